"""JupyterLab and Voila servers for browser tests: free port, token, nothing written to home.

Every folder Jupyter, IPython and Chromium would write to points into a temporary folder;
matplotlib keeps its existing font cache (read only) so each kernel does not rebuild it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import matplotlib

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LAB_NOTEBOOK = "notebooks/09_strategy_lab.ipynb"
LAB_NOTEBOOK_ZH = "notebooks/zh/09_strategy_lab.ipynb"  # its Chinese twin


@dataclass
class Server:
    """A running server: where to point the browser, and its log for failure messages."""

    url: str
    log: Path
    process: subprocess.Popen

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(tmp: Path) -> dict[str, str]:
    """Environment for a server whose config, runtime, caches and settings live in `tmp`."""
    dirs = {
        "HOME": "home",
        "XDG_CACHE_HOME": "cache",
        "XDG_CONFIG_HOME": "config",
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
        "TMPDIR": "tmp",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MPLBACKEND"))}
    for key, name in dirs.items():
        (tmp / name).mkdir(parents=True, exist_ok=True)
        env[key] = str(tmp / name)
    env["MPLCONFIGDIR"] = matplotlib.get_configdir()
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # kernels start in notebooks/: make them import this checkout's sim, whatever the venv has
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    _quiet_lab_settings(tmp / "lab-settings")
    return env


def _quiet_lab_settings(folder: Path) -> None:
    """No autosave and no news pop-up in the fresh JupyterLab."""
    settings = {
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for name, value in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")


def _wait_for(url: str, server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # the server answers (Voila has no status page; 404 will do)
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"server not ready after {timeout:.0f} s:\n{server.log_tail()}")


@contextmanager
def _serve(cmd: list[str], env: dict, cwd: Path, log: Path, url: str, ready: str) -> Iterator:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(url, log, proc)
    try:
        _wait_for(ready, server, timeout=90)  # a busy classroom laptop starts slowly
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def jupyterlab(tmp: Path, notebook: str = LAB_NOTEBOOK) -> Iterator[Server]:
    """JupyterLab on 127.0.0.1 with a token, serving a copy of notebooks/ and scenarios/, the
    page opened on `notebook`."""
    root = tmp / "root"
    for folder in ("notebooks", "scenarios"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns(".*"))
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        str(BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/lab/tree/{notebook}?token={token}"
    env = isolated_env(tmp)
    with _serve(
        cmd, env, root, tmp / "jupyterlab.log", url, f"{base}/api/status?token={token}"
    ) as s:
        yield s


@contextmanager
def voila(tmp: Path, *options: str, notebook: str = LAB_NOTEBOOK) -> Iterator[Server]:
    """The `make app` command (app/room.py with app/voila.py) serving `notebook` on a free port;
    `options` are more command-line settings (a token, the cap, shorter culling)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "app.room",
        notebook,
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--no-browser",
        *options,
    ]
    env = isolated_env(tmp)
    env["JUPYTER_CONFIG_PATH"] = str(ROOT / "app")
    url = f"http://127.0.0.1:{port}/"
    ready = f"{url}voila/static/ready"
    with _serve(cmd, env, ROOT, tmp / "voila.log", url, ready) as s:
        yield s
