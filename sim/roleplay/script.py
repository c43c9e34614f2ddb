"""Role-play scripts: the typed model of a YAML script, loaded with the line of every key.

Reuses sim.scenario's YAML reader (line numbers, duplicate keys, syntax errors) and its
Problem/error rendering, so a script error reads like a scenario error:
`file:line: field: expected ..., found ...; did you mean ...?`.
"""

from __future__ import annotations

import functools
import re
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator
from pydantic import model_validator as _model_validator

from sim.i18n import N_, _
from sim.problems import (
    DID_YOU_MEAN,
    EXPECTED,
    LIMITS,
    ONE_OF,
    FileKind,
    Problem,
    ScenarioError,
    closest,
    nearest_line,
    render_path,
    validated,
)
from sim.roleplay.expr import Expr, ExprError, parse
from sim.sections.base import describe as _describe
from sim.sections.base import invalid as _invalid
from sim.yamlfile import read_text, read_yaml

LANGS = ("en", "zh")
Lang = Literal["en", "zh"]
# Rubric flags a choice may set; the debrief (rubric.py) and the policy mapping read them.
Flag = Literal[
    "acknowledged",
    "apologised",
    "owned_fix",
    "responded",
    "resolved",
    "followed_up",
    "escalated",
    "compensated_small",
    "compensated_full",
    "deflected",
]
FLAGS: tuple[str, ...] = typing.get_args(Flag)
# Numbers a condition may read from the running state.
NUMBERS = ("mood", "trust", "minutes", "hours", "cost", "turn")
Ending = Literal["good", "partial", "lost"]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
# A role-play's clock runs for hours or days; a year bounds every time in a script, so the
# clock of a play (at most MAX_TURNS replies) stays a finite number of minutes.
MAX_HOURS = 24 * 365
Hours = Annotated[float, Field(ge=0.0, le=MAX_HOURS)]


class _Model(BaseModel):
    """Base for every script section: unknown keys are errors, values are checked."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


class Text(_Model):
    """Text in one or both languages; a plain string is language-neutral (`plain`)."""

    en: str | None = None
    zh: str | None = None
    plain: str | None = None

    @_model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"plain": value} if isinstance(value, str) else value

    @_model_validator(mode="after")
    def _not_empty(self) -> Text:
        if not (self.en or self.zh or self.plain):
            raise _invalid(_("text, e.g. {en: ..., zh: ...} or a plain string"), _("no text"))
        return self

    def get(self, lang: str = "en") -> str:
        """The text in `lang`, falling back to the other language when it is missing."""
        text = getattr(self, lang, None) or self.plain or self.en or self.zh or ""
        return _CJK_GAP.sub("", text)  # YAML's folded lines put a space between Chinese lines

    def missing(self, languages: list[str]) -> list[str]:
        """Declared languages this text has no version in."""
        return [lang for lang in languages if not getattr(self, lang, None)]


def _check_condition(value: str | None) -> str | None:
    if value is None:
        return value
    try:
        parse(value)
    except ExprError as exc:
        raise _invalid(
            _("a condition such as 'trust < 30 and not manager_away'"),
            f"{_describe(value)} ({exc})",
        ) from None
    return value


@functools.lru_cache(maxsize=4096)
def condition(text: str) -> Expr:
    """The parsed condition (cached: scripts are immutable)."""
    return parse(text)


class Effects(_Model):
    """What a choice or an event does to the state; minutes and hours move the clock."""

    mood: float = 0.0
    trust: float = 0.0
    minutes: float = Field(0.0, ge=0.0, le=60 * MAX_HOURS)
    hours: Hours = 0.0
    cost: float = 0.0

    def is_zero(self) -> bool:
        return not any((self.mood, self.trust, self.minutes, self.hours, self.cost))


class Choice(_Model):
    """One reply the agent can give: its effects, the rubric flags it earns, where it leads."""

    text: Text
    goto: str
    effects: Effects = Field(default_factory=Effects)
    flags: list[Flag] = Field(default_factory=list)
    when: str | None = None

    @field_validator("when")
    @classmethod
    def _condition(cls, value: str | None) -> str | None:
        return _check_condition(value)


class Branch(_Model):
    """On entering a node: if `when` holds, go to `goto` instead (e.g. the customer walks)."""

    when: str
    goto: str

    @field_validator("when")
    @classmethod
    def _condition(cls, value: str | None) -> str | None:
        return _check_condition(value)


class Wait(_Model):
    """Time that passes before a node's line (a callback the next day, a parcel days later)."""

    minutes: float = Field(0.0, ge=0.0, le=60 * MAX_HOURS)
    hours: Hours = 0.0

    @property
    def total_minutes(self) -> float:
        return self.minutes + 60.0 * self.hours


class Node(_Model):
    """A moment in the conversation: what the customer says and what the agent may reply.

    `again` is what she says when the conversation comes back here (no line twice word
    for word; the engine offers no reply leading here a third time while it has another);
    `wait` moves the clock on entering (a day break); `asks_for_manager` marks a line
    that asks for someone senior, which the debrief's escalation point reads.
    """

    say: Text
    again: Text | None = None
    note: Text | None = None
    wait: Wait | None = None
    asks_for_manager: bool = False
    choices: list[Choice] = Field(default_factory=list)
    branches: list[Branch] = Field(default_factory=list)
    ending: Ending | None = None
    debrief: Text | None = None


class At(_Model):
    """When an event lands: after turn N or once the clock passes H hours.

    A pair [low, high] draws the turn (or whole hour) from the seed.
    """

    turn: int | list[int] | None = None
    hours: Hours | list[Hours] | None = None

    @field_validator("turn", "hours")
    @classmethod
    def _range(cls, value: Any) -> Any:
        if isinstance(value, list) and (len(value) != 2 or value[0] > value[1]):
            raise _invalid(_("a number or a pair [low, high] with low <= high"), _describe(value))
        return value

    @_model_validator(mode="after")
    def _one(self) -> At:
        if (self.turn is None) == (self.hours is None):
            raise _invalid(_("exactly one of 'turn:' or 'hours:'"), _("both or neither"))
        return self


class Event(_Model):
    """A sudden variable: lands at a turn or time (or when a condition holds), maybe by chance.

    It shows a banner, changes the state, sets variables and may redirect the conversation.
    """

    id: str = Field(min_length=1)
    label: Text | None = None  # a short name shown to the trainee (lint wants one)
    text: Text
    at: At | None = None
    when: str | None = None
    chance: Probability = 1.0
    effects: Effects = Field(default_factory=Effects)
    set: dict[str, bool | float] = Field(default_factory=dict)
    goto: str | None = None

    @field_validator("when")
    @classmethod
    def _condition(cls, value: str | None) -> str | None:
        return _check_condition(value)

    @_model_validator(mode="after")
    def _trigger(self) -> Event:
        if self.at is None and self.when is None:
            raise _invalid(_("'at:' (a turn or hours) or 'when:' (a condition)"), _("neither"))
        return self


class Customer(_Model):
    """What the customer-player knows in pair mode (the customer card)."""

    name: Text
    persona: Text
    goal: Text
    triggers: list[Text] = Field(default_factory=list)
    lines: list[Text] = Field(default_factory=list)


class Script(_Model):
    """A role-play: the situation, the customer, the sudden variables and the nodes."""

    id: str = Field(min_length=1)
    title: Text
    languages: list[Lang] = Field(default_factory=lambda: ["en"], min_length=1)
    situation: Text
    customer: Customer | None = None
    currency: str = "CNY"
    start: str
    mood: float = Field(50.0, ge=0, le=100)
    trust: float = Field(50.0, ge=0, le=100)
    start_hours: Hours = Field(0.0, description="hours since the complaint came in")
    promise_hours: float = Field(48.0, gt=0, le=MAX_HOURS)
    follow_up_hours: float = Field(72.0, gt=0, le=MAX_HOURS)
    budget: float = Field(0.0, ge=0)
    escalation_needed: str = "false"
    variables: dict[str, bool | float] = Field(default_factory=dict)
    events: list[Event] = Field(default_factory=list)
    nodes: dict[str, Node] = Field(min_length=1)

    _lines: dict[tuple, int] = PrivateAttr(default_factory=dict)
    _source: str = PrivateAttr(default="script")

    @field_validator("escalation_needed")
    @classmethod
    def _condition(cls, value: str) -> str:
        return _check_condition(value)

    @property
    def source(self) -> str:
        return self._source

    def line(self, *path: Any) -> int | None:
        """The line in the file of a key path such as ('nodes', 'greet', 'choices', 0)."""
        return nearest_line(self._lines, tuple(path))

    def text(self, value: Text | None, lang: str) -> str:
        return value.get(lang) if value is not None else ""

    def event_label(self, event_id: str, lang: str = "en") -> str:
        """The name a trainee sees for an event: its label, else its banner, never its id."""
        event = next(e for e in self.events if e.id == event_id)
        return (event.label or event.text).get(lang)


# ------------------------------------------------------------------- errors, loading


class ScriptError(ScenarioError):
    """A role-play script could not be loaded; holds every problem found."""

    what = N_("role-play script")


SCRIPT = FileKind(ScriptError.what, "scenarios/roleplay/wrong_order.yaml", ScriptError)


def _inner(annotation: Any) -> Any:
    """The model inside list[...], dict[..., ...], X | None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(typing.get_args(annotation)):
        found = _inner(arg)
        if found is not None:
            return found
    return None


def _step(annotation: Any, part: Any) -> Any:
    """The annotation one key or index below `annotation` (None when there is none)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(part) if isinstance(part, str) else None
        return field.annotation if field is not None else None
    origin = typing.get_origin(annotation)
    if origin is list:
        return typing.get_args(annotation)[0] if isinstance(part, int) else None
    if origin is dict:
        return typing.get_args(annotation)[1]
    for arg in typing.get_args(annotation):  # X | None, Annotated[X, ...]
        below = _step(arg, part)
        if below is not None:
            return below
    return None


def _locate(loc: tuple, data: Any) -> tuple[tuple, Any]:
    """pydantic's loc -> (the path as written in the file, the model holding its last key).

    Union member markers ('int', 'list[int]', 'function-after[...]') are dropped by
    walking the actual data: a part that is not a key or index there is not in the file.
    """
    path: list = []
    annotation: Any = Script
    parent: Any = None
    for n, part in enumerate(loc):
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_list or (isinstance(data, dict) and part in data):
            data = data[part]
        elif n == len(loc) - 1 and isinstance(data, dict) and isinstance(part, str):
            data = None  # a missing key: it belongs to the path anyway
        else:
            continue
        path.append(part)
        parent = _inner(annotation)
        annotation = _step(annotation, part)
    return tuple(path), parent


_LANGUAGE_NAMES = {"cn": "zh", "zh_cn": "zh", "chinese": "zh", "english": "en", "us": "en"}


def _language_guess(key: str) -> str | None:
    """'zn' or 'cn' -> 'zh', 'eng' -> 'en': the language a text key probably meant."""
    key = key.strip().lower().replace("-", "_")
    if key in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[key]
    return next((lang for lang in LANGS if key[:1] == lang[0]), None)


def _problem(e: dict[str, Any], data: Any, lines: dict[tuple, int]) -> Problem:
    """One pydantic error as a Problem: path in the file, line, expected, found, hint."""
    kind, ctx, value = e["type"], e.get("ctx") or {}, e.get("input")
    path, parent = _locate(tuple(e["loc"]), data)
    found, hint = _describe(value), ""
    if kind == "scenario":  # raised by our validators through _invalid()
        expected, found, hint = ctx["expected"], ctx["found"], ctx.get("hint", "")
    elif kind == "extra_forbidden":
        known = [k for k in getattr(parent, "model_fields", {}) if k != "plain"]
        guess = closest(str(path[-1]), known)
        if parent is Text and guess is None:
            guess = _language_guess(str(path[-1]))
        expected, found = _("a known key"), _("unknown key {key}", key=repr(str(path[-1])))
        if guess:
            hint = _(DID_YOU_MEAN, guess=repr(guess))
        else:
            hint = _("known keys here: {keys}", keys=", ".join(known))
    elif kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        expected = _(ONE_OF, options=", ".join(options))
        guess = closest(str(value), options)
        hint = _(DID_YOU_MEAN, guess=repr(guess)) if guess and guess != value else ""
    elif kind == "missing":
        expected = _("a value (this key is required)")
        found = _("no {key} key", key=repr(str(path[-1])))
        hint = _("add '{key}: ...'", key=path[-1])
    elif kind in EXPECTED:
        expected = _(EXPECTED[kind])
    elif kind in LIMITS:
        key, sym = LIMITS[kind]
        limit = ctx.get(key, "?")
        shown = f"{limit:g}" if isinstance(limit, float) else limit
        expected = _("a number {sign} {limit}", sign=sym, limit=shown)
    else:
        expected = e["msg"][0].lower() + e["msg"][1:] if e["msg"] else kind
    return Problem(render_path(path), nearest_line(lines, path), expected, found, hint)


def _problems(err: ValidationError, data: Any, lines: dict[tuple, int]) -> list[Problem]:
    """Every error once; a union's several complaints about one value become one."""
    out: dict[str, Problem] = {}
    for e in err.errors():
        p = _problem(e, data, lines)
        # a value that fits no member of `int | list[int]` is reported by each member
        out.setdefault((p.path, p.found) if e["type"] != "extra_forbidden" else p, p)
    return list(out.values())


def parse_script(text: str, source: str = "script") -> Script:
    """Validate YAML text into a Script, or raise ScriptError listing every problem."""
    data, lines, problems, root = read_yaml(text, source, SCRIPT)
    if not isinstance(data, dict):
        raise ScriptError(
            [Problem("", root, _("a role-play script (id:, nodes:, ...)"), _describe(data))],
            source,
        )
    script = validated(
        Script, data, source, lambda err: _problems(err, data, lines), problems, SCRIPT
    )
    script._lines = lines
    script._source = source
    return script


def load_script(path: str | Path) -> Script:
    """Load and validate a script file; raise ScriptError naming file, field and line."""
    path = Path(path)
    return parse_script(read_text(path, SCRIPT), str(path))
