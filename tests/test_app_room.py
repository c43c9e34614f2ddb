"""`make app` holding a room (app/room.py, app/voila.py), over plain HTTP on 127.0.0.1.

Pages open with the page's GET and close with the request the page sends when its tab
closes; kernels are counted as the server's child processes whose command line holds
"kernel". Voila alone kept every page's kernel until it exited (12 loads: 13 kernels).
"""

from __future__ import annotations

import pytest
from browser.room import Participant, kernel_pids, wait_until
from browser.servers import voila

from app.room import is_loopback

PAGES = 12
BATCH = 4
POOL = 1  # the tests run a pool of one (the app has 2): each page taken is run again


def kernels(server) -> int:
    return len(kernel_pids(server.process.pid))


def settle(server, expected: int, timeout: float = 60) -> int:
    """Wait until the server runs `expected` kernels; the count seen last."""
    wait_until(lambda: kernels(server) == expected, timeout)
    return kernels(server)


def test_twelve_pages_opened_then_closed_free_their_kernels(tmp_path):
    with voila(tmp_path, "--VoilaConfiguration.default_pool_size=1") as server:
        assert settle(server, POOL) == POOL, "the pool did not start"
        closed = []
        for _ in range(PAGES // BATCH):  # a few participants at a time come and go
            people = [Participant(server.url) for _ in range(BATCH)]
            opened = [person.open() for person in people]
            assert settle(server, BATCH + POOL) == BATCH + POOL, server.log_tail()
            statuses = [person.close(kid) for person, kid in zip(people, opened, strict=True)]
            assert statuses == [204] * BATCH, f"shutdown on close refused: {server.log_tail()}"
            assert settle(server, POOL) == POOL, f"kernels not freed: {server.log_tail()}"
            closed += opened
        assert len(set(closed)) == PAGES, "two pages shared a kernel"
        for kid in closed:  # gone from the server too, not only as processes
            assert people[0].request(f"api/kernels/{kid}").status == 404
        assert "'_xsrf' argument missing" not in server.log.read_text(errors="replace")


def test_a_page_left_without_closing_is_culled_once_idle(tmp_path):
    options = (
        "--VoilaConfiguration.default_pool_size=1",
        "--RoomKernelManager.cull_idle_timeout=2",
        "--RoomKernelManager.cull_interval=1",
    )
    with voila(tmp_path, *options) as server:
        assert settle(server, 1) == 1
        Participant(server.url).open()  # the GET alone: no page ever connects or closes
        assert settle(server, 2) == 2  # its kernel, and the pool refilled
        assert settle(server, 1, timeout=50) == 1, f"not culled: {server.log_tail()}"
        assert "Culling 'idle' kernel" in server.log.read_text(errors="replace")
        # the pool's kernel is never culled: it waits for the next participant
        assert wait_until(lambda: kernels(server) != 1, timeout=4) is None


@pytest.fixture
def token_room(tmp_path):
    options = (
        "--Voila.token=room-token",
        "--RoomKernelManager.max_kernels=2",
        "--VoilaConfiguration.default_pool_size=1",
    )
    with voila(tmp_path, *options) as server:
        assert settle(server, 1) == 1
        yield server


def test_the_link_is_printed_with_its_token(token_room):
    assert f"{token_room.url}?token=room-token" in token_room.log.read_text(errors="replace")


def test_off_loopback_a_token_is_required():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.23")


def test_a_token_room_refuses_a_get_without_the_token(token_room):
    stranger = Participant(token_room.url).request("")
    assert stranger.status in (302, 403), stranger.status
    assert b"sim-lab" not in stranger.body and b"kernelId" not in stranger.body
    assert wait_until(lambda: kernels(token_room) != 1, timeout=3) is None, "a kernel started"
    guest = Participant(token_room.url)
    kid = guest.open("?token=room-token")
    assert settle(token_room, 2) == 2
    assert guest.close(kid) == 204  # the login cookie and the _xsrf cookie both work
    assert settle(token_room, 1) == 1


def test_past_the_cap_a_room_is_full_page_answers_and_no_kernel_starts(token_room):
    first, second, third = (Participant(token_room.url) for _ in range(3))
    first_kernel = first.open("?token=room-token")
    second.open("?token=room-token")
    assert settle(token_room, 3) == 3  # two pages and the pool
    full = third.request("?token=room-token")
    assert full.status == 503
    assert b"The room is full" in full.body and b"All 2 places" in full.body
    assert full.headers.get("Retry-After") == "30"
    assert wait_until(lambda: kernels(token_room) != 3, timeout=3) is None, "a kernel started"
    assert first.close(first_kernel) == 204  # someone leaves: a place frees up
    assert settle(token_room, 2) == 2
    third.open("?token=room-token")
    assert settle(token_room, 3) == 3
