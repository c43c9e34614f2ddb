"""A participant's page over plain HTTP, and the server's kernels, for the room tests.

`Participant.open` is the page's GET (it returns once the page has its kernel); `close` is the
request the page sends when its tab closes (a multipart POST of the `_xsrf` cookie, as Voila's
widget manager does with navigator.sendBeacon). Kernels are the server's child processes whose
command line holds "kernel".
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import re
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import psutil

_CONFIG = re.compile(rb'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*<')


def kernel_pids(pid: int) -> set[int]:
    """The server's child processes whose command line holds "kernel"."""
    found = set()
    for child in psutil.Process(pid).children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if any("kernel" in part for part in child.cmdline()):
                found.add(child.pid)
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of the server and all its children, in MB."""
    total = 0
    for proc in [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total / 2**20


def wait_until(check, timeout: float, step: float = 0.5):
    """Poll `check()` until it is truthy (returned) or `timeout` seconds pass (None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() >= deadline:
            return value or None
        time.sleep(step)


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]


@dataclass
class Participant:
    """One browser's cookies against the app at `base` (http://host:port/)."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path: str, data: bytes | None = None, headers=None) -> Response:
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self._opener.open(req, timeout=60) as r:
                return Response(r.status, r.read(), dict(r.headers))
        except urllib.error.HTTPError as e:
            return Response(e.code, e.read(), dict(e.headers))

    def open(self, query: str = "", whole: bool = False) -> str:
        """GET the page until it names its kernel (`whole`: until every cell has run and the
        page has ended); the kernel's id. Left early, the page's kernel goes on running it."""
        req = urllib.request.Request(self.base + query)
        with self._opener.open(req, timeout=600) as r:
            assert r.status == 200, r.status
            head = b""
            while not (found := _CONFIG.search(head)):
                chunk = r.read1(65536)
                assert chunk, f"the page ended without a kernel: {head[-500:]!r}"
                head += chunk
            if whole:
                page = head + r.read()
                assert b"widget-view+json" in page, "the page ended without the lab's widgets"
                assert b"There was an error when executing" not in page, "a cell failed"
        return json.loads(found.group(1))["kernelId"]

    def close(self, kernel_id: str) -> int:
        """The page's request when its tab closes; the answer's status (204: shut down)."""
        xsrf = next((c.value for c in self.jar if c.name == "_xsrf"), "")
        boundary = secrets.token_hex(8)
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="_xsrf"\r\n\r\n'
            f"{xsrf}\r\n--{boundary}--\r\n"
        ).encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request(f"voila/api/shutdown/{kernel_id}", body, headers).status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Show a redirect (to the login page) as it is instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None
