"""The role-play state machine: pure Python, no SimPy, no widgets, no I/O.

A Session walks a Script: each choice moves mood, trust, the clock and the cost and sets
rubric flags; sudden variables (events) land at a turn or a time, by chance drawn from the
seed, and may redirect the flow. Same script + seed + choices => the same transcript.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from typing import Any

from sim.i18n import _
from sim.roleplay.script import (
    FLAGS,
    NUMBERS,
    Choice,
    Effects,
    Event,
    Node,
    Script,
    Text,
    condition,
)

MAX_TURNS = 500
MAX_VISITS = 2  # a node's line, then its `again` line; no third time while avoidable


class RolePlayError(RuntimeError):
    """The script cannot go on (no reply available, an unknown name, a loop)."""


@dataclass(frozen=True)
class Mark:
    """When and by which choice a rubric flag was first earned."""

    turn: int
    minutes: float
    node: str
    choice: int


@dataclass
class State:
    """Everything a condition can read, plus what the debrief needs."""

    mood: float
    trust: float
    minutes: float = 0.0
    cost: float = 0.0
    turn: int = 0
    flags: dict[str, Mark] = field(default_factory=dict)
    variables: dict[str, bool | float] = field(default_factory=dict)
    fired: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    asked_turn: int | None = None  # the turn the customer first asked for a manager

    @property
    def hours(self) -> float:
        return self.minutes / 60.0

    def apply(self, effects: Effects) -> None:
        """Add a choice's or event's effects; mood and trust stay within 0-100."""
        self.mood = min(100.0, max(0.0, self.mood + effects.mood))
        self.trust = min(100.0, max(0.0, self.trust + effects.trust))
        self.minutes += effects.minutes + 60.0 * effects.hours
        self.cost += effects.cost


@dataclass(frozen=True)
class Transcript:
    """A finished (or abandoned) play: the log of what happened and the final state.

    `log` items: ("node", id), ("choice", node, index in the node), ("event", id),
    ("ending", node, kind). The promise, follow-up window, budget and whether escalation
    was needed (the script's condition, or the customer asked for a manager) travel with
    it, so the debrief and the policy mapping need nothing else.
    """

    script_id: str
    seed: int
    log: tuple[tuple, ...]
    state: State
    ending: str | None
    ending_kind: str | None
    escalation_needed: bool
    promise_hours: float
    follow_up_hours: float
    budget: float

    @property
    def choices(self) -> list[tuple[str, int]]:
        return [(item[1], item[2]) for item in self.log if item[0] == "choice"]


@dataclass(frozen=True)
class _Plan:
    """An event's fate, drawn from the seed when the session starts."""

    happens: bool
    turn: int | None
    hours: float | None


def _plan(event: Event, rng: random.Random) -> _Plan:
    # always draw the same numbers per event, so one event's settings never shift another's
    happens = rng.random() < event.chance
    turn = hours = None
    if event.at is not None and event.at.turn is not None:
        t = event.at.turn
        turn = rng.randint(t[0], t[1]) if isinstance(t, list) else t
    if event.at is not None and event.at.hours is not None:
        h = event.at.hours
        hours = float(rng.randint(int(h[0]), int(h[1]))) if isinstance(h, list) else h
    return _Plan(happens, turn, hours)


class Session:
    """One play of a script. `options()` lists the replies available now; `choose(i)` picks.

    `banners` holds the events that landed during the last step (for the player to show).
    """

    def __init__(self, script: Script, seed: int = 0) -> None:
        self.script = script
        self.seed = seed
        rng = random.Random(seed)
        self._plans = {ev.id: _plan(ev, rng) for ev in script.events}
        self.state = State(
            mood=script.mood,
            trust=script.trust,
            minutes=60.0 * script.start_hours,
            variables=dict(script.variables),
        )
        self.log: list[tuple] = []
        self.banners: list[Event] = []
        self.node_id = ""
        self._enter(script.start)

    # ----------------------------------------------------------------- reading state

    @property
    def node(self) -> Node:
        return self.script.nodes[self.node_id]

    @property
    def ended(self) -> bool:
        return self.node.ending is not None

    def lookup(self, name: str) -> Any:
        """The value a condition sees for `name`."""
        s = self.state
        if name in NUMBERS:
            return getattr(s, name)
        if name in s.variables:
            return s.variables[name]
        if name in self._plans:
            return name in s.fired
        if name in self.script.nodes:
            return name in s.visited
        if name in FLAGS:
            return name in s.flags
        if any(name in ev.set for ev in self.script.events):
            return False  # a variable an event sets, before it has landed
        raise RolePlayError(
            _(
                "{file}: a condition reads {name}, which is unknown",
                file=self.script.source,
                name=repr(name),
            )
        )

    def line(self) -> Text:
        """What the customer says now: the node's `again` line when she is back here."""
        node = self.node
        if node.again is not None and self.state.visited.count(self.node_id) > 1:
            return node.again
        return node.say

    def holds(self, text: str | None) -> bool:
        return True if text is None else condition(text).evaluate(self.lookup)

    def options(self) -> list[Choice]:
        """The replies available at this node in this state (conditions applied).

        A reply that would take the conversation to a node for the third time is left out
        while another is there: she has said her line and its `again` variant, and a
        conversation that goes round the same loop a third time only repeats itself.
        """
        if self.ended:
            return []
        offered = [c for c in self.node.choices if self.holds(c.when)]
        fresh = [c for c in offered if self.state.visited.count(c.goto) < MAX_VISITS]
        return fresh or offered

    # ----------------------------------------------------------------------- moving

    def choose(self, position: int) -> None:
        """Pick the `position`-th available reply (0-based) and move on."""
        available = self.options()
        if self.ended:
            raise RolePlayError(_("the conversation has ended"))
        if not 0 <= position < len(available):
            raise IndexError(f"choose a reply from 0 to {len(available) - 1}, not {position}")
        choice = available[position]
        index = self.node.choices.index(choice)
        s = self.state
        self.log.append(("choice", self.node_id, index))
        s.apply(choice.effects)
        s.turn += 1
        for flag in choice.flags:
            s.flags.setdefault(flag, Mark(s.turn, s.minutes, self.node_id, index))
        self.banners = []
        self._enter(choice.goto)

    def _enter(self, target: str) -> None:
        # Without circles of branches (the linter refuses them) one step visits each node
        # at most once between two event redirects, and each event lands once: this bound
        # is never reached by a script that lints clean.
        hops = len(self.script.nodes) * (len(self.script.events) + 1) + 1
        for _hop in range(hops):
            self._wait(target)  # the clock moves first, so events due by then land
            if self.script.nodes[target].ending is None:
                redirect = self._fire_events(target)
                if redirect != target:
                    self._wait(redirect)
                target = redirect
            self.node_id = target
            self.state.visited.append(target)
            self.log.append(("node", target))
            node = self.node
            if node.asks_for_manager and self.state.asked_turn is None:
                self.state.asked_turn = self.state.turn
            if node.ending is not None:
                self.log.append(("ending", target, node.ending))
                return
            branch = next((b for b in node.branches if self.holds(b.when)), None)
            if branch is None:
                if not self.options():
                    raise RolePlayError(
                        _(
                            "{file}: node {node} has no reply available (turn {turn})",
                            file=self.script.source,
                            node=repr(target),
                            turn=self.state.turn,
                        )
                    )
                return
            target = branch.goto
        raise RolePlayError(
            _("{file}: more than {n} jumps in one step", file=self.script.source, n=hops)
        )

    def _wait(self, target: str) -> None:
        """Check `target` exists; move the clock by its `wait` (a day break before it)."""
        if target not in self.script.nodes:
            raise RolePlayError(
                _("{file}: there is no node {node}", file=self.script.source, node=repr(target))
            )
        wait = self.script.nodes[target].wait
        if wait is not None:
            self.state.minutes += wait.total_minutes

    def _due(self, event: Event) -> bool:
        plan = self._plans[event.id]
        if event.id in self.state.fired or not plan.happens:
            return False
        if plan.turn is not None and self.state.turn < plan.turn:
            return False
        if plan.hours is not None and self.state.hours < plan.hours:
            return False
        return self.holds(event.when)

    def _fire_events(self, target: str) -> str:
        """Land every due event in order; the first redirect wins."""
        redirect = None
        for event in self.script.events:
            if not self._due(event):
                continue
            self.state.fired.append(event.id)
            self.log.append(("event", event.id))
            self.banners.append(event)
            self.state.apply(event.effects)
            self.state.variables.update(event.set)
            if event.goto is not None and redirect is None:
                redirect = event.goto
        return redirect or target

    # ---------------------------------------------------------------------- results

    def transcript(self) -> Transcript:
        """The play so far as a Transcript (a snapshot: later choices do not change it)."""
        ending = self.node_id if self.ended else None
        return Transcript(
            script_id=self.script.id,
            seed=self.seed,
            log=tuple(self.log),
            state=dataclasses.replace(
                self.state,
                flags=dict(self.state.flags),
                variables=dict(self.state.variables),
                fired=list(self.state.fired),
                visited=list(self.state.visited),
            ),
            ending=ending,
            ending_kind=self.node.ending if ending else None,
            escalation_needed=self.holds(self.script.escalation_needed)
            or self.state.asked_turn is not None,
            promise_hours=self.script.promise_hours,
            follow_up_hours=self.script.follow_up_hours,
            budget=self.script.budget,
        )


def play(script: Script, choices: list[int], seed: int = 0) -> Transcript:
    """Play the given replies (positions among those available at each turn) in order."""
    session = Session(script, seed)
    for position in choices:
        session.choose(position)
    return session.transcript()


def random_playthrough(script: Script, seed: int = 0, chooser: int | None = None) -> Transcript:
    """Play to an ending choosing replies at random (for tests that exercise every node)."""
    session = Session(script, seed)
    # the replies get their own stream: drawing them from the events' stream would tie
    # which reply is picked to whether an event happens
    rng = random.Random(f"replies-{seed if chooser is None else chooser}")
    for _turn in range(MAX_TURNS):
        if session.ended:
            return session.transcript()
        session.choose(rng.randrange(len(session.options())))
    raise RolePlayError(_("{file}: no ending after {n} turns", file=script.source, n=MAX_TURNS))
