"""Voila configuration for `make app` (loaded through JUPYTER_CONFIG_PATH=app).

Serves the strategy lab without its code, and guards against a known stall: now and then
the kernel answers a cell but the client does not notice, leaving a page on "Executing k of
n" forever (about 2 in 100 loads; see shared/TESTING-NOTEBOOKS.md). Polling the reply
socket in 250 ms slices brought it to 0 in 100 loads; a cell timeout turns any stall left
into a visible error instead of a page that hangs silently.
"""

import time
from queue import Empty

from jupyter_client import channels

SLICE_MS = 250


def _sliced_get_msg(self, timeout=None):
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        wait = SLICE_MS
        if deadline is not None:
            wait = max(0, min(SLICE_MS, int((deadline - time.monotonic()) * 1000)))
        if self.socket.poll(wait):
            return self._recv()
        if deadline is not None and time.monotonic() >= deadline:
            raise Empty


async def _sliced_get_msg_async(self, timeout=None):
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

c = get_config()  # noqa: F821 (provided by the traitlets config loader)
c.VoilaConfiguration.strip_sources = True  # participants see the lab, not the code
c.VoilaConfiguration.show_tracebacks = False
c.VoilaExecutor.timeout = 120  # seconds per cell: a stall becomes an error, not a hang
c.Voila.open_browser = False
