"""Reading the YAML files users write, keeping what an error message needs: the line of
every key and list item, keys given twice, and a plain account of text that is not YAML
(or not text) at all. Scenarios, variants, role-play scripts and trainer files use it.
"""

from __future__ import annotations

import difflib
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
        return Problem(
            "",
            text.count("\n", 0, max(exc.position, 0)) + 1,
            "plain text",
            f"a character YAML does not allow (#x{char:04x})",
            f"is this a binary file? a {kind.name} is a UTF-8 text file",
        )
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
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
        hint = f"a {kind.name} file holds one YAML document: remove the second '---'"
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


def read_yaml(
    text: str, source: str, kind: FileKind = SCENARIO
) -> tuple[Any, dict[tuple, int], list[Problem], int]:
    """Parse YAML text: (data, line of each key path, duplicate-key problems, root line).

    Raises the kind's error (ScenarioError) when the text is not YAML at all.
    """
    loader = _Loader(text)
    lines: dict[tuple, int] = {}
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines, problems, 1
        _walk(loader, node, (), lines, problems, set())
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise kind.fail([_syntax_problem(exc, text, kind)], source) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # a value PyYAML itself chokes on (e.g. !!int abc), or absurd nesting
        raise kind.fail(
            [Problem("", None, "YAML values that can be read", f"one that cannot ({exc})")],
            source,
        ) from None
    finally:
        loader.dispose()
    return data, lines, problems, node.start_mark.line + 1


def read_text(path: Path, kind: FileKind = SCENARIO) -> str:
    """The text of a file, or the kind's error (ScenarioError) saying why there is none."""
    source = str(path)

    def fail(expected: str, found: str, hint: str = "", line: int | None = None) -> ScenarioError:
        return kind.fail([Problem("", line, expected, found, hint)], source)

    try:
        is_dir = path.is_dir()
    except (OSError, ValueError):
        is_dir = False
    if is_dir:
        inside = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        hint = f"give one file, e.g. {inside[0]}" if inside else "give a .yaml file"
        raise fail(f"a {kind.name} file", "a directory", hint)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        hint = _missing_hint(path, kind)
        raise fail(f"an existing {kind.name} file", "no file at that path", hint) from None
    except PermissionError:
        raise fail("a file you may read", "permission denied") from None
    except (OSError, ValueError) as exc:  # a name the system refuses, a device, ...
        reason = str(getattr(exc, "strerror", None) or exc)
        raise fail(f"a readable {kind.name} file", reason) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
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


def _missing_hint(path: Path, kind: FileKind) -> str:
    parent = path.parent
    if not parent.is_dir():
        return f"there is no folder {parent}; {kind.start_hint}"
    files = {p.stem: p for p in parent.iterdir() if p.suffix in (".yaml", ".yml")}
    guess = difflib.get_close_matches(path.stem, sorted(files), n=1, cutoff=0.7)
    if guess:
        return f"did you mean {files[guess[0]]}?"
    return kind.start_hint
