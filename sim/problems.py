"""What is wrong with a file a user wrote, said so they can fix it: the error layer that
scenarios, variants, role-play scripts, trainer files and team strategies share.

Every problem names the file, the field as written there, its line, what was expected,
what was found and how to fix it; an error holds every problem found, not just the first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sim.i18n import N_, _

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where, what was expected, what was found.

    `path` is the field as written in the file (`catalogue.categories[2].share`; "" for the
    file as a whole), `line` its 1-based line in the file (None when there is no line to
    point at: a missing, empty or unreadable file), `hint` how to fix it.
    """

    path: str
    line: int | None
    expected: str
    found: str
    hint: str = ""

    def render(self, source: str) -> str:
        """One line in the language in use; the field stays as the file writes it."""
        where = _("{file}:{line}", file=source, line=self.line) if self.line else source
        field = self.path or _("(top level)")
        text = _(
            "{where}: {field}: expected {expected}, found {found}",
            where=where,
            field=field,
            expected=self.expected,
            found=self.found,
        )
        return text + (_("; {hint}", hint=self.hint) if self.hint else "")


class ScenarioError(ValueError):
    """A file could not be used; holds every problem found, not just the first.

    `problems` are sorted by line; `report()` renders them all, one line each. `what` names
    the kind of file in the report ("scenario" unless said otherwise).
    """

    what = N_("scenario")

    def __init__(self, problems: list[Problem], source: str = "scenario", what: str = ""):
        unique = list(dict.fromkeys(problems))
        self.problems = sorted(unique, key=lambda p: p.line or 0)
        self.source = source
        if what:
            self.what = what
        super().__init__(self.report())

    def __reduce__(self) -> tuple:
        # so that the error survives a trip between processes (experiments run in workers)
        return (type(self), (self.problems, self.source, self.what))

    def report(self) -> str:
        n, what = len(self.problems), _(self.what)
        if n == 1:
            head = _("{source}: cannot use this {what}, 1 problem:", source=self.source, what=what)
        else:
            head = _(
                "{source}: cannot use this {what}, {n} problems:",
                source=self.source,
                what=what,
                n=n,
            )
        return "\n".join([head] + ["  " + p.render(self.source) for p in self.problems])


@dataclass(frozen=True)
class FileKind:
    """What a file is for the messages about it: its name (an English msgid, shown
    translated), a shipped example to start from, and the error raised for it."""

    name: str
    example: str
    error: type[ScenarioError] = ScenarioError

    @property
    def label(self) -> str:
        """The kind's name in the language in use."""
        return _(self.name)

    @property
    def file(self) -> str:
        """The kind as a kind of file: 'scenario file', 'trainer file' (not 'file file')."""
        if self.name.endswith("file"):
            return self.label
        return _("{kind} file", kind=self.label)

    @property
    def start_hint(self) -> str:
        return _("start from a shipped one, e.g. {example}", example=self.example)

    def fail(self, problems: list[Problem], source: str) -> ScenarioError:
        return self.error(problems, source, self.name)


SCENARIO = FileKind(N_("scenario"), "scenarios/coffee_chain.yaml")


def validated(
    model: type[M],
    data: Any,
    source: str,
    convert: Callable[[ValidationError], list[Problem]],
    problems: Sequence[Problem] = (),
    kind: FileKind = SCENARIO,
) -> M:
    """`model` validated from `data`, or the kind's error listing `problems` found before
    (such as keys given twice) and every problem pydantic finds, as `convert` words them."""
    try:
        out = model.model_validate(data)
    except ValidationError as err:
        raise kind.fail([*problems, *convert(err)], source) from None
    if problems:
        raise kind.fail(list(problems), source)
    return out


def render_path(path: tuple) -> str:
    """('catalogue', 'categories', 2, 'share') -> 'catalogue.categories[2].share'."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        elif isinstance(part, str) and re.fullmatch(r"[^\W\d][\w-]*", part):
            out += ("." if out else "") + part
        else:
            out += f"[{str(part)!r}]"
    return out


def closest(word: str, options: list[str]) -> str | None:
    """The option the user probably meant, if any."""
    normal = word.strip().lower().replace("-", "_").replace(" ", "_")
    if normal in options:
        return normal
    close = difflib.get_close_matches(normal, options, n=1, cutoff=0.6)
    return close[0] if close else None


def nearest_line(lines: dict[tuple, int], loc: tuple) -> int | None:
    """The line of `loc`, or of its nearest ancestor the file has (for a missing key)."""
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


# pydantic's error types, in the words a problem uses (shown with _(EXPECTED[kind]))
EXPECTED = {
    "int_parsing": N_("a whole number"),
    "int_type": N_("a whole number"),
    "int_from_float": N_("a whole number"),
    "float_parsing": N_("a number"),
    "float_type": N_("a number"),
    "finite_number": N_("a finite number (not .inf or .nan)"),
    "bool_parsing": N_("true or false"),
    "bool_type": N_("true or false"),
    "string_type": N_("text"),
    "dict_type": N_("a mapping of keys to values"),
    "list_type": N_("a list"),
    "model_type": N_("a mapping of keys to values"),
    "model_attributes_type": N_("a mapping of keys to values"),
}

DID_YOU_MEAN = N_("did you mean {guess}?")
ONE_OF = N_("one of {options}")

LIMITS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
}
