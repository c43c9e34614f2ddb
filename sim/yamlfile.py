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

from sim.i18n import N_, _
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
_CONTROL = {
    0x07: N_("a bell character (BEL)"),
    0x08: N_("a backspace"),
    0x1B: N_("an escape character (ESC)"),
}
_OTHER_CONTROL = N_("a control character")


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
                        _("each key only once in a mapping"),
                        _(
                            "{key} twice: first on line {first}, again on line {line}",
                            key=repr(str(key)),
                            first=first[seen_as],
                            line=line,
                        ),
                        _(
                            "YAML keeps only the last one and silently drops the first; "
                            "delete one or merge them"
                        ),
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
            name = _(_CONTROL.get(char, _OTHER_CONTROL))
            return Problem(
                "",
                text.count("\n", 0, at) + 1,
                _(PLAIN_TEXT),
                _(
                    "{name} (#x{code}) at column {column}",
                    name=name,
                    code=format(char, "02x"),
                    column=column,
                ),
                _(
                    "delete it: most editors do not show it; "
                    "it usually comes from text pasted from a terminal"
                ),
            )
        return Problem(
            "",
            text.count("\n", 0, at) + 1,
            _(PLAIN_TEXT),
            _(
                "a character YAML does not allow (#x{code}) at column {column}",
                code=format(char, "04x"),
                column=column,
            ),
            _("is this a binary file? a {kind} is a UTF-8 text file", kind=kind.label),
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
        problem += f" ({context} on line {context_mark.line + 1})"  # PyYAML's own words
    hint = ""
    if "'\\t'" in problem:
        hint = _("YAML indents with spaces, never tabs")
    elif "mapping values are not allowed" in problem:
        hint = _("a ':' inside a value: put the value in quotes, or check this line's indentation")
    elif "could not find expected ':'" in problem:
        hint = _("every key needs a ':' after it, e.g. horizon_days: 365")
    elif "expected a single document" in problem:
        hint = _("a {file} holds one YAML document: remove the second '---'", file=kind.file)
    elif "constructor for the tag" in problem:
        hint = _(
            "tags such as !python/... are not allowed in a {kind}; remove the tag", kind=kind.label
        )
    elif "end of stream" in problem:
        hint = _("a quote or bracket is opened here and never closed")
    elif "expected <block end>" in problem or "did not find expected key" in problem:
        hint = _("check the indentation of this line against the lines above")
    syntax = isinstance(exc, yaml.scanner.ScannerError | yaml.parser.ParserError)
    if mark is None:
        what = _("a syntax error") if syntax else _("something YAML cannot read")
    elif syntax:
        what = _("a syntax error at column {column}", column=mark.column + 1)
    else:
        what = _("something YAML cannot read at column {column}", column=mark.column + 1)
    return Problem(
        "",
        mark.line + 1 if mark is not None else None,
        _("valid YAML"),
        f"{what}: {problem}",
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
            "", None, _("YAML nested a few dozen levels deep at most"), _("far deeper nesting")
        )
        raise kind.fail([problem], source) from None
    except (ValueError, TypeError, OverflowError):
        # a value PyYAML itself chokes on (e.g. !!int abc); its message quotes the value
        problem = Problem(
            "",
            None,
            _("YAML values that can be read"),
            _("a value its tag does not fit (such as !!int on text)"),
            _("remove the !!tag or fix the value"),
        )
        raise kind.fail([problem], source) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines, problems, node.start_mark.line + 1


MAX_BYTES = 1 << 20  # 1 MiB: a hand-written YAML file is a few KiB; more is not one
PLAIN_TEXT = N_("plain text")
RIGHT_FILE = N_("is this the right file?")


def _what_is(mode: int) -> str | None:
    """What a file that is not a regular file is, for the message (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return _("a named pipe (FIFO), not a file")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device, not a file")
    if stat.S_ISSOCK(mode):
        return _("a socket, not a file")
    return _("something that is not a regular file")


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
        hint = (
            _("give one file, e.g. {file}", file=inside_dir[0])
            if inside_dir
            else _("give a .yaml file")
        )
        raise fail(_("a {file}", file=kind.file), _("a directory"), hint)
    if inside is not None:
        try:
            real, folder = path.resolve(), inside.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            raise fail(_("a {file}", file=kind.file), _("a symlink that leads nowhere")) from None
        if not real.is_relative_to(folder):
            raise fail(
                _("a {file} inside {folder}", file=kind.file, folder=inside),
                _("a symlink to a file outside that folder"),
                _("copy the file into the folder instead of linking to it"),
            )
    raw = _read_bounded(path, kind, fail)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if raw.count(b"\0") == 1:  # one stray NUL in a text file: say on which line
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        hint = _("delete it: most editors do not show it")
        raise fail(_(PLAIN_TEXT), _("a NUL byte (#x00)"), hint, line)
    if b"\0" in raw:  # a binary file has no lines worth pointing at
        raise fail(
            _("a YAML text file"), _("a binary file (it contains NUL bytes)"), kind.start_hint
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise fail(
            _("UTF-8 text"),
            _(
                "bytes that are not UTF-8 (0x{code} at column {column})",
                code=format(raw[exc.start], "02x"),
                column=column,
            ),
            _("save the file as UTF-8 (in most editors: Save with Encoding > UTF-8)"),
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
        raise fail(
            _("an existing {file}", file=kind.file), _("no file at that path"), hint
        ) from None
    except PermissionError:
        raise fail(_("a file you may read"), _("permission denied")) from None
    except (OSError, ValueError) as exc:  # a name the system refuses, a symlink loop, ...
        reason = str(getattr(exc, "strerror", None) or exc)
        raise fail(_("a readable {file}", file=kind.file), reason) from None
    limit = _("a {file} of at most {size:,} KiB", file=kind.file, size=MAX_BYTES // 1024)
    try:
        info = os.fstat(fd)
        odd = _what_is(info.st_mode)
        if odd is not None:
            raise fail(_("a {file}", file=kind.file), odd, _("give the path of a .yaml file"))
        if info.st_size > MAX_BYTES:
            raise fail(limit, _("{size:,} bytes", size=info.st_size), _(RIGHT_FILE))
        chunks, size = [], 0
        while size <= MAX_BYTES:  # a file that grows while we read stops here too
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        reason = str(getattr(exc, "strerror", None) or exc)
        raise fail(_("a readable {file}", file=kind.file), reason) from None
    finally:
        os.close(fd)
    if size > MAX_BYTES:
        raise fail(limit, _("more than that"), _(RIGHT_FILE))
    return b"".join(chunks)


def _missing_hint(path: Path, kind: FileKind) -> str:
    parent = path.parent
    if not parent.is_dir():
        return _("there is no folder {folder}; {hint}", folder=parent, hint=kind.start_hint)
    files = {p.stem: p for p in parent.iterdir() if p.suffix in (".yaml", ".yml")}
    guess = difflib.get_close_matches(path.stem, sorted(files), n=1, cutoff=0.7)
    if guess:
        return _("did you mean {file}?", file=files[guess[0]])
    return kind.start_hint
