"""Reading the YAML files users write, keeping what an error message needs: the line of
every key and list item, keys given twice, and a plain account of text that is not YAML
(or not text) at all. Scenarios, variants, role-play scripts and trainer files use it.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sim.problems import SCENARIO, FileKind, Problem, ScenarioError, render_path


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves impossible dates (2026-02-30) as text, for a clear message."""


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

_MERGE_TAG = "tag:yaml.org,2002:merge"
_CONTROL = {0x07: "a bell character (BEL)", 0x08: "a backspace", 0x1B: "an escape character (ESC)"}


def _key_of(loader: _Loader, node: yaml.Node) -> Any:
    """A mapping key as PyYAML will construct it (so `1:` is 1, `on:` is True)."""
    if isinstance(node, yaml.ScalarNode):
        try:
            key = loader.construct_object(node)
            hash(key)
            return key
        except Exception:  # fall back to the text; construction will report the trouble
            return node.value
    return ("<complex key>", node.start_mark.line + 1)


def _walk(
    loader: _Loader,
    node: yaml.Node,
    path: tuple,
    lines: dict[tuple, int],
    problems: list[Problem],
    seen: set[int],
) -> None:
    """Record the line of every key and list item; report keys given twice."""
    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:  # an alias: its anchor was walked already
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:  # `<<: *base` merges; later keys may override
                continue
            key = _key_of(loader, key_node)
            line = key_node.start_mark.line + 1
            sub = path + (key,)
            seen_as = (type(key).__name__, key)  # so that `1:` and `true:` are not the same
            if seen_as in first:
                problems.append(
                    Problem(
                        render_path(sub),
                        line,
                        "each key only once in a mapping",
                        f"{str(key)!r} twice: first on line {first[seen_as]}, again on line {line}",
                        "YAML keeps only the last one and silently drops the first; "
                        "delete one or merge them",
                    )
                )
                for stale in [k for k in lines if k[: len(sub)] == sub]:
                    del lines[stale]  # the value that counts is the last one
            else:
                first[seen_as] = line
            lines[sub] = line
            if not isinstance(key, str):
                lines.setdefault(path + (str(key),), line)
            _walk(loader, value_node, sub, lines, problems, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(loader, item, path + (i,), lines, problems, seen)


def _syntax_problem(exc: yaml.YAMLError, text: str, kind: FileKind) -> Problem:
    """A Problem for text PyYAML cannot read, at the line where the trouble is."""
    if isinstance(exc, yaml.reader.ReaderError):
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        at = max(exc.position, 0)
        column = at - text.rfind("\n", 0, at)
        if char < 0x20 or 0x7F <= char < 0xA0:  # BEL, ESC, ...: invisible in most editors
            name = _CONTROL.get(char, "a control character")
            return Problem(
                "",
                text.count("\n", 0, at) + 1,
                "plain text",
                f"{name} (#x{char:02x}) at column {column}",
                "delete it: most editors do not show it; "
                "it usually comes from text pasted from a terminal",
            )
        return Problem(
            "",
            text.count("\n", 0, at) + 1,
            "plain text",
            f"a character YAML does not allow (#x{char:04x}) at column {column}",
            f"is this a binary file? a {kind.name} is a UTF-8 text file",
        )
    # never str(exc): PyYAML's own text shows a snippet of the file
    problem = _unquoted(getattr(exc, "problem", None) or "")
    context = _unquoted(getattr(exc, "context", None) or "")
    mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    if problem.startswith("but "):  # "expected a single document ... but found another"
        problem, context_mark = f"{context} {problem}", None
    # Some errors are only noticed on a later line (an unclosed quote at the end of the
    # file, a key without ':' when the next line starts); the context points at the cause.
    if context_mark is not None and (
        "end of stream" in problem or "could not find expected ':'" in problem
    ):
        mark = context_mark
    elif context_mark is not None and mark is not None and context_mark.line != mark.line:
        problem += f" ({context} on line {context_mark.line + 1})"
    hint = ""
    if "'\\t'" in problem:
        hint = "YAML indents with spaces, never tabs"
    elif "mapping values are not allowed" in problem:
        hint = "a ':' inside a value: put the value in quotes, or check this line's indentation"
    elif "could not find expected ':'" in problem:
        hint = "every key needs a ':' after it, e.g. horizon_days: 365"
    elif "expected a single document" in problem:
        hint = f"a {kind.file} holds one YAML document: remove the second '---'"
    elif "constructor for the tag" in problem:
        hint = f"tags such as !python/... are not allowed in a {kind.name}; remove the tag"
    elif "end of stream" in problem:
        hint = "a quote or bracket is opened here and never closed"
    elif "expected <block end>" in problem or "did not find expected key" in problem:
        hint = "check the indentation of this line against the lines above"
    column = f" at column {mark.column + 1}" if mark is not None else ""
    syntax = isinstance(exc, yaml.scanner.ScannerError | yaml.parser.ParserError)
    what = "a syntax error" if syntax else "something YAML cannot read"
    return Problem(
        "",
        mark.line + 1 if mark is not None else None,
        "valid YAML",
        f"{what}{column}: {problem}",
        hint,
    )


def _unquoted(text: str) -> str:
    """PyYAML's words without the file's text it quotes (a tag, an alias, an anchor):
    a file that is not YAML may be anything (a key file, a password list), so an error
    quotes nothing of it. Single characters and escapes ('\\t') and PyYAML's
    tokens ('<stream end>') stay."""
    return re.sub(r"'(?!\\)([^'<][^']+)'", "(text from the file)", text)


def read_yaml(
    text: str, source: str, kind: FileKind = SCENARIO
) -> tuple[Any, dict[tuple, int], list[Problem], int]:
    """Parse YAML text: (data, line of each key path, duplicate-key problems, root line).

    Raises the kind's error (ScenarioError) when the text is not YAML at all.
    """
    lines: dict[tuple, int] = {}
    problems: list[Problem] = []
    loader = None
    try:
        loader = _Loader(text)  # checks every character: a BEL or ESC is a ReaderError
        node = loader.get_single_node()
        if node is None:
            return None, lines, problems, 1
        _walk(loader, node, (), lines, problems, set())
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise kind.fail([_syntax_problem(exc, text, kind)], source) from None
    except RecursionError:
        problem = Problem(
            "", None, "YAML nested a few dozen levels deep at most", "far deeper nesting"
        )
        raise kind.fail([problem], source) from None
    except (ValueError, TypeError, OverflowError):
        # a value PyYAML itself chokes on (e.g. !!int abc); its message quotes the value
        problem = Problem(
            "",
            None,
            "YAML values that can be read",
            "a value its tag does not fit (such as !!int on text)",
            "remove the !!tag or fix the value",
        )
        raise kind.fail([problem], source) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines, problems, node.start_mark.line + 1


MAX_BYTES = 1 << 20  # 1 MiB: a hand-written YAML file is a few KiB; more is not one


def _what_is(mode: int) -> str | None:
    """What a file that is not a regular file is, for the message (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return "something that is not a regular file"


def read_text(path: Path, kind: FileKind = SCENARIO, inside: Path | None = None) -> str:
    """The text of a user's file, or the kind's error (ScenarioError) saying why there is none.

    The one way every kind of file is read: a regular file only (a FIFO, a device or a
    directory is refused without reading from it), at most MAX_BYTES, UTF-8 (or UTF-16
    with a byte-order mark). With `inside`, a file whose real place (symlinks followed)
    is not in that folder is refused. Messages never quote the file's bytes.
    """
    source = str(path)

    def fail(expected: str, found: str, hint: str = "", line: int | None = None) -> ScenarioError:
        return kind.fail([Problem("", line, expected, found, hint)], source)

    try:
        is_dir = path.is_dir()
    except (OSError, ValueError):
        is_dir = False
    if is_dir:
        inside_dir = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        hint = f"give one file, e.g. {inside_dir[0]}" if inside_dir else "give a .yaml file"
        raise fail(f"a {kind.file}", "a directory", hint)
    if inside is not None:
        try:
            real, folder = path.resolve(), inside.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            raise fail(f"a {kind.file}", "a symlink that leads nowhere") from None
        if not real.is_relative_to(folder):
            raise fail(
                f"a {kind.file} inside {inside}",
                "a symlink to a file outside that folder",
                "copy the file into the folder instead of linking to it",
            )
    raw = _read_bounded(path, kind, fail)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if raw.count(b"\0") == 1:  # one stray NUL in a text file: say on which line
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        hint = "delete it: most editors do not show it"
        raise fail("plain text", "a NUL byte (#x00)", hint, line)
    if b"\0" in raw:  # a binary file has no lines worth pointing at
        raise fail("a YAML text file", "a binary file (it contains NUL bytes)", kind.start_hint)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise fail(
            "UTF-8 text",
            f"bytes that are not UTF-8 (0x{raw[exc.start]:02x} at column {column})",
            "save the file as UTF-8 (in most editors: Save with Encoding > UTF-8)",
            line,
        ) from None


def _read_bounded(path: Path, kind: FileKind, fail: Callable[..., ScenarioError]) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; never blocks, never reads more.

    O_NONBLOCK makes opening a FIFO return at once (instead of waiting for a writer);
    fstat on the open file then refuses anything that is not a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        hint = _missing_hint(path, kind)
        raise fail(f"an existing {kind.file}", "no file at that path", hint) from None
    except PermissionError:
        raise fail("a file you may read", "permission denied") from None
    except (OSError, ValueError) as exc:  # a name the system refuses, a symlink loop, ...
        reason = str(getattr(exc, "strerror", None) or exc)
        raise fail(f"a readable {kind.file}", reason) from None
    limit = f"a {kind.file} of at most {MAX_BYTES // 1024:,} KiB"
    try:
        info = os.fstat(fd)
        odd = _what_is(info.st_mode)
        if odd is not None:
            raise fail(f"a {kind.file}", odd, "give the path of a .yaml file")
        if info.st_size > MAX_BYTES:
            raise fail(limit, f"{info.st_size:,} bytes", "is this the right file?")
        chunks, size = [], 0
        while size <= MAX_BYTES:  # a file that grows while we read stops here too
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        reason = str(getattr(exc, "strerror", None) or exc)
        raise fail(f"a readable {kind.file}", reason) from None
    finally:
        os.close(fd)
    if size > MAX_BYTES:
        raise fail(limit, "more than that", "is this the right file?")
    return b"".join(chunks)


def _missing_hint(path: Path, kind: FileKind) -> str:
    parent = path.parent
    if not parent.is_dir():
        return f"there is no folder {parent}; {kind.start_hint}"
    files = {p.stem: p for p in parent.iterdir() if p.suffix in (".yaml", ".yml")}
    guess = difflib.get_close_matches(path.stem, sorted(files), n=1, cutoff=0.7)
    if guess:
        return f"did you mean {files[guess[0]]}?"
    return kind.start_hint
