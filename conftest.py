"""Repository-wide pytest setup: guard notebook runs against a known kernel-client stall.

On these machines the kernel sometimes answers a cell while the client does not notice
until its timeout (measured: nbclient stalled in 1-3% of runs; see
shared/TESTING-NOTEBOOKS.md; seen here too on notebooks/00 under nbconvert). Polling the
reply socket in short slices instead of one long wait brought it to 0 in 300 runs, so every
pytest run here (nbval included) uses that.
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


channels.ZMQSocketChannel.get_msg = _sliced_get_msg
channels.AsyncZMQSocketChannel.get_msg = _sliced_get_msg_async
