"""The desk's waiting line keeps SimPy's SortedQueue order exactly, ties included."""

from __future__ import annotations

from dataclasses import dataclass

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.world.service import Agents, WaitingLine


@dataclass(eq=False)
class Contact:
    key: tuple


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.integers(-2, 0), st.integers(0, 5), st.booleans()).map(
                lambda k: ("add", k)
            ),
            st.integers(0, 30).map(lambda i: ("take", i)),
        ),
        max_size=60,
    )
)
def test_the_line_orders_contacts_as_simpys_sorted_queue_does(steps):
    """Arrivals with equal keys (same priority and time) queue in arrival order, and
    contacts leaving from anywhere in the line leave the rest in order."""
    ours, simpys = WaitingLine(), simpy.resources.resource.SortedQueue()
    for what, arg in steps:
        if what == "add":
            c = Contact(arg)
            ours.append(c)
            simpys.append(c)
        elif simpys:
            i = arg % len(simpys)
            assert ours.pop(i) is simpys.pop(i)
        assert [id(c) for c in ours] == [id(c) for c in simpys]


def test_agents_serve_by_priority_then_arrival():
    env = simpy.Environment()
    desk = Agents(env, capacity=1)
    served = []

    def contact(name, priority, at):
        yield env.timeout(at)
        with desk.request(priority=priority) as req:
            yield req
            served.append(name)
            yield env.timeout(10)

    for name, priority, at in [("first", 0, 0), ("late", 0, 1), ("gold", -1, 2), ("b", 0, 2)]:
        env.process(contact(name, priority, at))
    env.run()
    assert isinstance(desk.queue, WaitingLine)
    assert served == ["first", "gold", "late", "b"]
