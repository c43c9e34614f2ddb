"""A guard against a known Jupyter kernel-client stall, for the tests and `make app`.

On these machines the kernel sometimes answers a cell while the client does not notice
until its timeout (measured: nbclient stalled in 1-3% of runs, Voila left about 2 in 100
page loads on "Executing k of n"; see shared/TESTING-NOTEBOOKS.md). Polling the reply
socket in short slices instead of one long wait brought it to 0 in 300 notebook runs and
100 page loads. conftest.py installs it for every pytest run (nbval included), and
app/voila.py for the Voila server.
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client import channels

SLICE_MS = 250


def _sliced_get_msg(self, timeout: float | None = None):
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        wait = SLICE_MS
        if deadline is not None:
            wait = max(0, min(SLICE_MS, int((deadline - time.monotonic()) * 1000)))
        if self.socket.poll(wait):
            return self._recv()
        if deadline is not None and time.monotonic() >= deadline:
            raise Empty


async def _sliced_get_msg_async(self, timeout: float | None = None):
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        wait = SLICE_MS
        if deadline is not None:
            wait = max(0, min(SLICE_MS, int((deadline - time.monotonic()) * 1000)))
        if await self.socket.poll(wait):
            return await self._recv()
        if deadline is not None and time.monotonic() >= deadline:
            raise Empty


def install() -> None:
    """Make jupyter_client's reply channels poll in SLICE_MS slices (idempotent)."""
    channels.ZMQSocketChannel.get_msg = _sliced_get_msg
    channels.AsyncZMQSocketChannel.get_msg = _sliced_get_msg_async
