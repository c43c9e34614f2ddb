"""Writing what a command outputs without ever destroying a user's files.

One mechanism for folders (`write_folder`) and one for single files (`write_file`). Each
writes under a temporary name beside the target, `.NAME.PID-XXXXXXXX.tmp`, and renames it
into place only when complete. A folder we write holds a marker file (MARKER) listing
every file we put there. Replacing (`force`) is allowed for a folder that is empty or holds
nothing but what its marker lists, and for a plain file; never for the current folder, a
folder holding it, or a folder holding one of the command's inputs. A replaced folder or
file keeps its permissions.

`sweep` removes what a killed earlier run left beside a target: only names of that
pattern (and a folder only when it holds our marker or nothing), only stale ones: on POSIX
when the process whose id is in the name is gone (a folder written on another host is
left alone), elsewhere when a day old.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from sim.i18n import N_, _

MARKER = ".customer-workbench"
TOOL = "customer-workbench"
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{8}\.(?P<kind>tmp|old)$")
_SHOWN = 5  # files named in a message
STALE_AFTER = 86_400  # seconds, where a process cannot be asked whether it still runs
NOT_A_FOLDER = N_("{shown}: exists and is not a folder; choose another {option}")
CANNOT_WRITE = N_("{shown}: cannot write there ({reason})")


class OutputError(Exception):
    """An output cannot be written as asked; the message says which and what to do."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: what was being written is removed."""


# ------------------------------------------------------------------- folders


def check_folder(
    directory: str | os.PathLike,
    force: bool = False,
    option: str = "--out",
    inputs: Iterable[str | os.PathLike] = (),
) -> Path:
    """The folder `directory` resolved, or OutputError saying why it cannot be (re)written;
    also sweeps stale temporary folders beside it. Call it before any long work."""
    shown = f"{option} {directory}"
    target = Path(directory).resolve()
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        raise OutputError(
            _(
                "{shown}: that is the current folder or holds it, which is never replaced; "
                "name a new folder, e.g. {option} out/run1",
                shown=shown,
                option=option,
            )
        )
    for item in inputs:
        used = Path(item).resolve()
        if target == used or target in used.parents:
            raise OutputError(
                _(
                    "{shown}: holds {item}, an input of this command, so it is never "
                    "replaced; choose another {option}",
                    shown=shown,
                    item=item,
                    option=option,
                )
            )
    if target.exists() and not target.is_dir():
        raise OutputError(_(NOT_A_FOLDER, shown=shown, option=option))
    if target.is_dir():
        _check_replace(target, shown, force, option)
    _probe(target.parent, shown)
    sweep(target.parent)
    return target


def _check_replace(target: Path, shown: str, force: bool, option: str) -> None:
    if not any(target.iterdir()):
        return
    if not force:
        raise OutputError(
            _(
                "{shown}: folder exists and is not empty; nothing was written. Use --force to "
                "replace it (only a folder this tool wrote), or choose another {option}",
                shown=shown,
                option=option,
            )
        )
    ours = _marked(target)
    if ours is None:
        raise OutputError(
            _(
                "{shown}: this tool did not write that folder (it has no {marker} file), so "
                "--force does not replace it; it holds {files}. Move those "
                "files away or choose another {option}",
                shown=shown,
                marker=MARKER,
                files=_names(_files(target)),
                option=option,
            )
        )
    extra = _files(target, skip=set(ours) | {MARKER})
    if extra:
        raise OutputError(
            _(
                "{shown}: holds files this tool did not write: {files}; --force "
                "replaces only what it wrote. Move them away or choose another {option}",
                shown=shown,
                files=_names(extra),
                option=option,
            )
        )


def write_folder(
    directory: str | os.PathLike,
    write: Callable[[Path], object],
    force: bool = False,
    option: str = "--out",
    inputs: Iterable[str | os.PathLike] = (),
    by: str = "",
) -> Path:
    """Call `write(folder)` on a fresh temporary folder, mark it, then put it in place of
    `directory` (replaced only as `check_folder` allows). A failure or an interruption
    leaves `directory` as it was and no temporary folder. Returns `directory`."""
    target = check_folder(directory, force, option, inputs)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temp(target)
        os.mkdir(tmp)  # the mode any new folder gets (mkdtemp's would be private)
    except OSError as exc:
        raise OutputError(
            _(CANNOT_WRITE, shown=f"{option} {directory}", reason=exc.strerror)
        ) from None
    try:
        _mark(
            tmp, by, [], writing=True
        )  # from its first moment, the temporary folder is known as ours
        write(tmp)
        _mark(tmp, by, sorted(_files(tmp, skip={MARKER}, limit=None)))
        if target.exists():
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
            _check_replace(target, f"{option} {directory}", force, option)  # changed meanwhile?
            old = _temp(target, "old")
            os.replace(target, old)
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Path(directory)


def mark_folder(folder: str | os.PathLike, by: str = "") -> None:
    """Give a folder we fill bit by bit (a resumable runs folder) our marker, once."""
    folder = Path(folder)
    if _marked(folder) is None:
        folder.mkdir(parents=True, exist_ok=True)
        write_file(folder / MARKER, _marker_text(by, []), force=True)


def _marker_text(by: str, files: list[str], writing: bool = False) -> str:
    """The marker: what wrote the folder and its files; while writing, also the process
    and host (what `sweep` asks). No date: the same input writes the same folder."""
    record: dict[str, object] = {"written_by": TOOL, "by": by, "files": files}
    if writing:
        record.update(pid=os.getpid(), host=socket.gethostname())
    return json.dumps(record, indent=1, ensure_ascii=False) + "\n"


def _mark(folder: Path, by: str, files: list[str], writing: bool = False) -> None:
    (folder / MARKER).write_text(_marker_text(by, files, writing), encoding="utf-8")


def _marked(folder: Path) -> list[str] | None:
    """The files our marker in `folder` lists, or None if it has no marker of ours."""
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = record.get("files") if isinstance(record, dict) else None
    if record.get("written_by") != TOOL or not isinstance(files, list):
        return None
    return [str(f) for f in files]


def _files(folder: Path, skip: set[str] = frozenset(), limit: int | None = _SHOWN) -> list[str]:
    """Files under `folder` (relative, '/'-separated; a link counts as a file), not in
    `skip`; stops after `limit` of them."""
    found: list[str] = []
    for root, dirs, names in os.walk(folder):
        base = Path(root).relative_to(folder)
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        for name in sorted(names + links):
            rel = (base / name).as_posix()
            if rel not in skip:
                found.append(rel)
                if limit is not None and len(found) > limit:
                    return found
        dirs[:] = sorted(d for d in dirs if d not in links)
    return found


def _names(files: list[str]) -> str:
    more = len(files) - _SHOWN
    shown = ", ".join(files[:_SHOWN])
    return _("{files} and more", files=shown) if more > 0 else shown


# --------------------------------------------------------------------- files


def check_file(
    path: str | os.PathLike,
    force: bool = False,
    option: str = "--out",
    create_folder: bool = False,
) -> Path:
    """The file `path` resolved, or OutputError saying why it cannot be (re)written; also
    sweeps stale temporary files beside it. Call it before any long work."""
    target = _file_target(path, force, option, create_folder)
    _probe(target.parent, f"{option} {path}")
    sweep(target.parent)
    return target


def _file_target(path: str | os.PathLike, force: bool, option: str, create_folder: bool) -> Path:
    shown = f"{option} {path}"
    target = Path(path).resolve()
    if target.is_dir():
        raise OutputError(
            _(
                "{shown}: is a folder; give a file name, e.g. {option} {path}/NAME",
                shown=shown,
                option=option,
                path=path,
            )
        )
    if target.exists() or target.is_symlink():
        if not force:
            raise OutputError(
                _(
                    "{shown}: a file is already there; nothing was written. Use --force to "
                    "replace it, or choose another name",
                    shown=shown,
                )
            )
        if not target.is_file():
            raise OutputError(_("{shown}: is not a plain file; choose another name", shown=shown))
    if not target.parent.is_dir() and not create_folder:
        raise OutputError(
            _(
                "{shown}: there is no folder {folder}; create it or choose another",
                shown=shown,
                folder=target.parent,
            )
        )
    return target


def write_file(
    path: str | os.PathLike,
    data: str | bytes,
    force: bool = False,
    option: str = "--out",
    create_folder: bool = False,
) -> Path:
    """Write `data` (text as UTF-8) to `path` through a temporary file beside it, replaced
    only as `check_file` allows; an existing file keeps its permissions. Returns `path`."""
    raw = data.encode("utf-8") if isinstance(data, str) else data

    def write(tmp: Path) -> None:
        with open(tmp, "xb") as fh:  # the mode any new file gets (mkstemp's is private)
            fh.write(raw)

    return write_with(path, write, force, option, create_folder)


def write_with(
    path: str | os.PathLike,
    write: Callable[[Path], object],
    force: bool = False,
    option: str = "--out",
    create_folder: bool = False,
) -> Path:
    """Call `write(tmp)` to make the file at a temporary name beside `path`, then rename it
    into place (replaced only as `check_file` allows; an existing file keeps its
    permissions). A failure or an interruption leaves `path` as it was. Returns `path`."""
    target = _file_target(path, force, option, create_folder)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temp(target)
        _probe(target.parent, f"{option} {path}")
    except OSError as exc:
        raise OutputError(_(CANNOT_WRITE, shown=f"{option} {path}", reason=exc.strerror)) from None
    try:
        write(tmp)
        if target.exists():
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Path(path)


def check_collection(
    directory: str | os.PathLike, allowed: re.Pattern, option: str = "--out"
) -> Path:
    """For a folder filled a file at a time and never replaced (a resumable runs folder):
    OutputError unless it is new, empty, carries our marker, or holds only files whose
    relative path `allowed` matches (written before markers existed). Sweeps its stale
    temporary files."""
    shown = f"{option} {directory}"
    target = Path(directory).resolve()
    if target.exists() and not target.is_dir():
        raise OutputError(_(NOT_A_FOLDER, shown=shown, option=option))
    if target.is_dir() and _marked(target) is None:
        other = [f for f in _files(target, limit=None) if not allowed.fullmatch(f)]
        if other:
            raise OutputError(
                _(
                    "{shown}: this tool did not write that folder (it has no {marker} file) "
                    "and it holds other files: {files}. Choose a new or empty folder",
                    shown=shown,
                    marker=MARKER,
                    files=_names(other),
                )
            )
    _probe(target, shown)
    if target.is_dir():
        for folder in [target, *(p for p in target.iterdir() if p.is_dir())]:
            sweep(folder)
    return target


# ------------------------------------------------------- temporary names, sweep


def _temp(target: Path, kind: str = "tmp") -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.{kind}")


def _probe(folder: Path, shown: str) -> None:
    """OutputError unless a file can be created in `folder` (or, if it is missing, in the
    nearest folder that exists, where it would be created)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(
            _(
                "{shown}: {existing} is a file, not a folder; choose another path",
                shown=shown,
                existing=existing,
            )
        )
    probe = _temp(existing / "probe")
    try:
        os.mkdir(probe)
        os.rmdir(probe)
    except OSError as exc:
        raise OutputError(
            _(
                "{shown}: cannot write in {existing} ({reason})",
                shown=shown,
                existing=existing,
                reason=exc.strerror,
            )
        ) from None


def sweep(folder: str | os.PathLike) -> list[Path]:
    """Remove the stale temporary files and folders of ours in `folder` (see the module
    docstring); a stale folder that was being replaced goes back in place if nothing took
    its place. Returns what was removed or restored."""
    done: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return done
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match is None or not _stale(int(match["pid"]), entry):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            ours = _marked(path)
            if ours is None and any(path.iterdir()):
                continue  # not ours
            host = _host(path)
            if host is not None and host != socket.gethostname():
                continue
            home = path.with_name(match["name"])
            if match["kind"] == "old" and not home.exists() and not home.is_symlink():
                os.replace(path, home)
            else:
                shutil.rmtree(path, ignore_errors=True)
        elif entry.is_file(follow_symlinks=False):
            path.unlink(missing_ok=True)
        else:
            continue
        done.append(path)
    return done


def _host(folder: Path) -> str | None:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8")).get("host")
    except (OSError, ValueError, AttributeError):
        return None


def _stale(pid: int, entry: os.DirEntry) -> bool:
    if pid == os.getpid():
        return False
    if os.name == "posix":
        return not _alive(pid)
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
    except OSError:
        return False


def _alive(pid: int) -> bool:
    """Whether process `pid` exists (POSIX; signal 0 only asks)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


# ------------------------------------------------------------------- signals


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises `Terminated` (a KeyboardInterrupt) in the main thread,
    so a command stopped by `kill` cleans up as after Ctrl-C. Elsewhere, does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        raise Terminated()

    before = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def interrupted_code(exc: KeyboardInterrupt) -> int:
    """The exit code after an interruption: 143 for SIGTERM, 130 for Ctrl-C (128 + signal)."""
    return 128 + (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)


def die_with_parent(parent: int) -> None:
    """Worker-process initializer: end this worker as soon as process `parent` (the one that
    started the pool) ends, even by SIGKILL, so no orphan keeps computing. A thread waits on
    the parent (Linux: a pidfd, woken the moment it exits; other POSIX systems: asked twice
    a second). The kernel's parent-death signal would not do: a forkserver's workers are the
    forkserver's children, and it lives as long as they do. On Windows nothing is done."""
    if os.name != "posix":
        return
    if not _alive(parent):
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="die-with-parent", daemon=True).start()


def _watch(parent: int) -> None:
    try:
        fd = os.pidfd_open(parent)
    except (AttributeError, OSError):  # not Linux 5.3+ or Python 3.9+: ask
        while _alive(parent):
            time.sleep(0.5)
    else:
        select.select([fd], [], [])  # readable once the process has ended
    os._exit(1)
