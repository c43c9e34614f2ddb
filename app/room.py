"""The strategy lab served to a room: `make app` runs `python -m app.room NOTEBOOK`.

Voila alone starts a kernel (about 250 MB) for every page load and keeps it until it exits,
answers anyone who can reach its port, and refuses the page's own shutdown when a tab closes
(the page posts the `_xsrf` cookie, which Voila never sets). RoomApp is Voila with what a
room needs; app/voila.py holds the settings (pool, culling, the cap):

- the page GET sets the `_xsrf` cookie, so closing a tab frees its kernel;
- a cap on kernels serving pages (`RoomKernelManager.max_kernels`): past it a "room is full"
  page (503) answers and no kernel starts;
- kernels whose page is gone are culled when idle (`cull_idle_timeout`), and kernels of pages
  left open and untouched after `connected_idle_timeout`;
- served on a non-loopback address, a token is required (made up when none is given) and the
  link that holds it is printed with a QR code for the trainer to show;
- the page's assets all come from this server (app/template drops Voila's CDN links).
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.ioloop import IOLoop
from traitlets import Int
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from app import qr

TEMPLATE_DIR = Path(__file__).resolve().parent / "template"
FULL_RETRY_S = 30  # the room-is-full page reloads itself this often

ROOM_FULL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="{retry}">
<title>The room is full</title>
<style>body {{ font-family: sans-serif; max-width: 36em; margin: 4em auto; line-height: 1.5 }}
</style></head>
<body><h1>The room is full</h1>
<p>All {seats} places in the strategy lab are taken. Ask the trainer, or share a screen with
a neighbour. This page tries again every {retry} seconds.</p></body></html>
"""


class RoomFull(web.HTTPError):
    """No place left for another page: answered with the room-is-full page (503)."""

    def __init__(self, seats: int) -> None:
        super().__init__(503, f"the room is full ({seats} places taken)")
        self.seats = seats


class RoomKernelManager(AsyncMappingKernelManager):
    """Kernels for a room: a cap on those serving pages, and culling of pages left idle.

    Voila wraps this class with its pool of pre-started kernels (VoilaKernelManager); the
    pool's kernels (started with VOILA_PREHEAT=True and not yet given to a page) take no place.
    """

    max_kernels = Int(20, help="Most kernels serving pages at once (0: no cap).").tag(config=True)
    connected_idle_timeout = Int(
        1800,
        help="Seconds after which the kernel of a page left open and untouched is culled "
        "(0: never). Kernels with no page are culled after cull_idle_timeout.",
    ).tag(config=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._page_starts: set[str] = set()  # kernels starting for a page
        self._pool_starts: set[str] = set()  # kernels starting for the pool

    def _pooled(self) -> set[str]:
        """Kernels started for the pool and not yet handed to a page (Voila's own pools)."""
        ids = set()
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    ids.add(task.result()["kernel_id"])
        return ids

    def seats_taken(self) -> int:
        """Kernels serving a page, or starting for one."""
        live = set(self.list_kernel_ids()) | self._page_starts
        return len(live - self._pooled() - self._pool_starts)

    def room_full(self) -> bool:
        return 0 < self.max_kernels <= self.seats_taken()

    async def start_kernel(self, *args, **kwargs) -> str:
        for_pool = (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "True"
        if not for_pool and self.room_full():
            raise RoomFull(self.max_kernels)
        kernel_id = kwargs.setdefault("kernel_id", str(uuid.uuid4()))
        starting = self._pool_starts if for_pool else self._page_starts
        starting.add(kernel_id)
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            starting.discard(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        kernel = self._kernels.get(kernel_id)
        if (
            kernel is not None
            and self.connected_idle_timeout > 0
            and self._kernel_connections.get(kernel_id, 0)
            and getattr(kernel, "execution_state", None) != "busy"
            and datetime.now(UTC) - kernel.last_activity
            > timedelta(seconds=self.connected_idle_timeout)
        ):
            self.log.warning("Culling kernel %s: its page was left untouched.", kernel_id)
            await self.shutdown_kernel(kernel_id)
            return
        await super().cull_kernel_if_idle(kernel_id)


class RoomPageHandler(TornadoVoilaHandler):
    """The lab's page: the room-is-full page past the cap, and the `_xsrf` cookie for close."""

    @web.authenticated
    async def get(self, path=None):
        if self.kernel_manager.room_full():
            raise RoomFull(self.kernel_manager.max_kernels)
        # The page sends this cookie back with its shutdown request when the tab closes;
        # Voila never reads xsrf_token, so the cookie was never set and the shutdown refused.
        self.xsrf_token  # noqa: B018 (reading it sets the cookie)
        await super().get(path)

    def write_error(self, status_code: int, **kwargs) -> None:
        error = kwargs.get("exc_info", (None, None))[1]
        if isinstance(error, RoomFull):
            self.set_header("Retry-After", str(FULL_RETRY_S))
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(ROOM_FULL_PAGE.format(seats=error.seats, retry=FULL_RETRY_S))
            return
        super().write_error(status_code, **kwargs)


def is_loopback(ip: str) -> bool:
    if ip in ("", "0.0.0.0", "::"):
        return False
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def reachable_host(ip: str) -> str:
    """The address participants type for a server bound to `ip` (0.0.0.0: this machine's LAN IP)."""
    if ip not in ("", "0.0.0.0", "::"):
        return ip
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks a route
            return s.getsockname()[0]
        except OSError:
            return socket.gethostname()


class RoomApp(Voila):
    """Voila for a room (see the module's docstring)."""

    def setup_template_dirs(self) -> None:
        super().setup_template_dirs()
        self.template_paths.insert(0, str(TEMPLATE_DIR))

    def init_handlers(self) -> list:
        return [
            (route, RoomPageHandler, *rest)
            if handler is TornadoVoilaHandler
            else (route, handler, *rest)
            for route, handler, *rest in super().init_handlers()
        ]

    def start(self) -> None:
        if self.token is None and not self.auto_token and not is_loopback(self.ip):
            self.token = secrets.token_urlsafe(9)
        IOLoop.current().add_callback(self.print_room_link)
        super().start()

    def room_link(self) -> str:
        link = f"http://{reachable_host(self.ip)}:{self.port}{self.base_url}"
        return f"{link}?token={self.token}" if self.token else link

    def print_room_link(self) -> None:
        """Print the participants' link (and its QR code when the room is on the network)."""
        link = self.room_link()
        seats = self.kernel_manager.max_kernels or "no cap on"
        lines = ["", f"The strategy lab for the room ({seats} places): {link}"]
        if not is_loopback(self.ip):
            try:
                picture = qr.text(link)
            except ValueError:  # a very long host name: the link alone will do
                picture = ""
            lines += ["Participants open this link, or scan it with a phone:", "", picture]
        print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> None:
    RoomApp.launch_instance(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
