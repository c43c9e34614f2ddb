"""The typed scenario: what a world is made of, loaded from YAML and validated.

Defaults live here in code; a scenario file overrides what it names. Sections that later
work fills (loyalty, service, outreach, surveys, shocks) are optional: absent means off.
Errors name the file, the field path, the line, what was expected and what was found.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from sim.i18n import N_, _
from sim.loyalty.schema import LoyaltyProgram  # noqa: E402
from sim.problems import (  # noqa: E402
    DID_YOU_MEAN,
    EXPECTED,
    LIMITS,
    ONE_OF,
    Problem,
    ScenarioError,
    closest,
    nearest_line,
    render_path,
    validated,
)
from sim.sections.base import (  # noqa: E402
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_CUSTOMERS,
    MAX_DAYS,
    MAX_FACTOR,
    MAX_LOG_ODDS,
    MAX_MONEY,
    MAX_SHAPE,
    SHARES_ADDING_UP,
    CalendarDate,
    Probability,
    Shape,
    invalid,  # noqa: E402
)
from sim.sections.base import Section as _Model  # noqa: E402
from sim.sections.base import describe as _describe  # noqa: E402
from sim.sections.base import invalid as _invalid  # noqa: E402
from sim.sections.outreach import Outreach  # noqa: E402
from sim.sections.service import Service  # noqa: E402
from sim.sections.shocks import Shock  # noqa: E402
from sim.sections.surveys import Surveys  # noqa: E402
from sim.yamlfile import SCENARIO, read_text, read_yaml  # noqa: E402


class GammaPrior(_Model):
    """Gamma heterogeneity of the purchase rate λ (orders per day): shape r, rate α.

    The mean rate is r / α orders per day (BG/NBD's parameterisation, Fader et al. 2005).
    """

    r: Shape = Field(description="shape of the gamma distribution of purchase rates")
    alpha: Shape = Field(description="rate (in days) of the gamma distribution")

    @model_validator(mode="after")
    def _plausible_rate(self) -> GammaPrior:
        if self.r / self.alpha > MAX_ORDERS_PER_DAY:
            raise _invalid(
                _(
                    "a mean purchase rate r / alpha of at most {most:g} orders a day",
                    most=MAX_ORDERS_PER_DAY,
                ),
                _("{rate:.4g} orders a day", rate=self.r / self.alpha),
                _("raise alpha or lower r (r / alpha = 0.1 is an order every ten days)"),
                at=("alpha",),
            )
        return self


class BetaPrior(_Model):
    """Beta heterogeneity of a probability: mean a / (a + b)."""

    a: Shape
    b: Shape


class SpendPrior(_Model):
    """Gamma-Gamma spend (Fader, Hardie and Lee 2005): an order's amount is Gamma(p, ν),
    each customer's ν is Gamma(q, γ); mean spend per order p·γ/(q−1) when q > 1."""

    p: Shape
    q: float = Field(gt=1.0, le=MAX_SHAPE, description="above 1, so the mean spend is finite")
    gamma: float = Field(gt=0.0, le=MAX_MONEY)

    @model_validator(mode="after")
    def _plausible_spend(self) -> SpendPrior:
        mean = self.p * self.gamma / (self.q - 1.0)
        if mean > MAX_MONEY:
            raise _invalid(
                _(
                    "a mean spend per order p * gamma / (q - 1) of at most {most:,.0f}",
                    most=MAX_MONEY,
                ),
                f"{mean:.4g}",
                _("lower p or gamma, or raise q"),
                at=("gamma",),
            )
        return self


# A customer ordering more often than this on average is not a customer of this model.
MAX_ORDERS_PER_DAY = 10.0
# New customers a day: MAX_CUSTOMERS a year at most (the run-size check stops big worlds).
MAX_ACQUISITIONS = 20_000.0


class Population(_Model):
    """Who the customers are and how they behave before anything acts on them."""

    initial_customers: int = Field(
        3000,
        ge=0,
        le=MAX_CUSTOMERS,
        description=N_("customers already known at the start (the initial base)"),
    )
    history_days: int = Field(
        180,
        ge=0,
        le=MAX_DAYS,
        description="the initial base joined over this many days before the start; "
        "their orders in that window are simulated too, so the CRM has history on day 0",
    )
    acquisitions_per_day: float = Field(
        5.0, ge=0.0, le=MAX_ACQUISITIONS, description=N_("new customers per day (Poisson arrivals)")
    )
    purchase_rate: GammaPrior = GammaPrior(r=2.0, alpha=20.0)
    dropout: BetaPrior = BetaPrior(a=1.0, b=20.0)
    spend: SpendPrior = SpendPrior(p=6.0, q=4.0, gamma=20.0)
    satisfaction: BetaPrior = Field(
        BetaPrior(a=7.0, b=3.0),
        description="initial satisfaction (0-1) per customer; mean a / (a + b)",
    )
    satisfaction_effect: float = Field(
        3.0,
        ge=0.0,
        le=MAX_LOG_ODDS,
        description="how strongly a fall in satisfaction raises the odds of leaving "
        "(log-odds per unit of satisfaction below the customer's own starting level)",
    )
    needs_mix: dict[Literal["price", "quality", "service"], Probability] = Field(
        default_factory=lambda: {"price": 0.4, "quality": 0.35, "service": 0.25},
        description="share of customers whose dominant need is price, quality or service",
    )
    need_weight: Shape = Field(
        2.0,
        description=N_(
            "a customer's sensitivities to price, quality and service are drawn from a "
            "Dirichlet with this weight on each need (higher = less spread between "
            "customers). Default 2: a teaching assumption"
        ),
    )
    dominant_need_boost: float = Field(
        4.0,
        ge=0.0,
        le=MAX_SHAPE,
        description=N_(
            "added to the Dirichlet weight of the customer's dominant need (needs_mix "
            "picks it). Default 4: chosen so that the dominant sensitivity averages 0.6 and "
            "the other two 0.2; a teaching assumption"
        ),
    )
    channel_mix: dict[str, Probability] = Field(
        default_factory=lambda: {"store": 0.6, "app": 0.3, "phone": 0.1},
        description="share of customers preferring each channel",
    )
    base: str | None = Field(
        None,
        description=N_(
            "a CSV of existing customers and their purchase history (written by python -m "
            "sim calibrate), relative to the scenario file: each enters at the start, alive "
            "or not and buying as the fitted model believes given their history"
        ),
    )

    @field_validator("needs_mix", "channel_mix")
    @classmethod
    def _shares_sum_to_one(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise _invalid(_("at least one entry with its share"), _describe({}))
        total = sum(value.values())
        if abs(total - 1.0) > 1e-6:
            raise _invalid(
                _("shares that add up to 1"),
                _(SHARES_ADDING_UP, total=total),
                _("adjust the shares so that they add up to exactly 1"),
            )
        return value


# Each customer holds a taste for every category, so their number multiplies memory.
MAX_CATEGORIES = 100


class Category(_Model):
    """A product category: its share of orders, relative price level and gross margin."""

    name: str = Field(min_length=1)
    share: Probability
    price_level: float = Field(
        1.0, gt=0.0, le=MAX_FACTOR, description="prices × this, relative to the average"
    )
    margin: Probability = 0.6


class Catalogue(_Model):
    """What is sold. Shares are the population's average category tastes."""

    currency: str = Field("CNY", min_length=3, max_length=3)
    categories: list[Category] = Field(
        default_factory=lambda: [Category(name="general", share=1.0)],
        min_length=1,
        max_length=MAX_CATEGORIES,
    )
    taste_concentration: Shape = Field(
        5.0, description="how similar customers' category tastes are (higher = more alike)"
    )

    @field_validator("categories")
    @classmethod
    def _check(cls, categories: list[Category]) -> list[Category]:
        # a field validator (not a model one) so that it runs, and reports, even when
        # another key of the catalogue is wrong too
        names = [c.name for c in categories]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise _invalid(
                    _("a category name used only once"),
                    _(
                        "{name} again (already categories[{index}])",
                        name=repr(name),
                        index=names.index(name),
                    ),
                    _("give each category its own name, or merge the two"),
                    at=(i, "name"),
                )
        total = sum(c.share for c in categories)
        if abs(total - 1.0) > 1e-6:
            raise _invalid(
                _("category shares that add up to 1"),
                _(SHARES_ADDING_UP, total=total),
                _("adjust the categories' share values so that they add up to exactly 1"),
            )
        return categories


class NonContractual(_Model):
    """Retail-like: customers buy when they like and leave without saying (BG/NBD)."""

    kind: Literal["non_contractual"] = "non_contractual"


class Contractual(_Model):
    """Accounts on contracts: they order during a term and renew or lapse at its end.

    At each renewal an account lapses with its own `true_dropout_prob`, raised when its
    satisfaction has fallen (fulfilment problems, neglect) and lowered when it has risen.
    """

    kind: Literal["contractual"] = "contractual"
    term_days: int = Field(365, gt=0, le=MAX_DAYS, description="contract length in days")
    fulfilment_failure_rate: Probability = Field(
        0.05, description="chance that an order has a fulfilment problem"
    )
    failure_satisfaction_drop: Probability = Field(
        0.08, description="satisfaction lost per fulfilment problem"
    )
    contact_every_days: int | None = Field(
        60, gt=0, le=MAX_DAYS, description="account manager contact cadence in days; null = never"
    )
    contact_satisfaction_lift: Probability = Field(
        0.03, description="satisfaction gained per account-manager contact"
    )
    satisfaction_decay_per_day: Probability = Field(
        0.0005, description="satisfaction lost per day without attention"
    )


MAX_SEED = 2**63 - 1  # numpy's SeedSequence takes any, the tables keep an int64


class Scenario(_Model):
    """One simulated world. Time is in days from `start_date`."""

    name: str = Field(min_length=1)
    description: str = ""
    locale: Literal["zh_CN", "en_US", "en_GB", "de_DE", "fr_FR", "ja_JP"] = "en_US"
    start_date: CalendarDate = dt.date(2026, 1, 1)
    horizon_days: int = Field(365, gt=0, le=MAX_DAYS)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    setting: NonContractual | Contractual = Field(
        default_factory=NonContractual, discriminator="kind"
    )
    population: Population = Field(default_factory=Population)
    catalogue: Catalogue = Field(default_factory=Catalogue)
    # Sections filled by later work; absent (null) means the subsystem is off.
    loyalty: LoyaltyProgram | None = Field(
        None, description="the loyalty program (客户忠诚计划); absent = no program"
    )
    service: Service | None = Field(
        None, description="service failures, complaints and the desk; absent = no failures"
    )
    outreach: Outreach | None = Field(
        None, description="triggered messages, channels and fatigue; absent = no messages"
    )
    surveys: Surveys | None = Field(None, description="NPS and CSAT surveys; absent = none")
    shocks: list[Shock] | None = Field(
        None, description="sudden variables on scheduled days; absent = none"
    )

    @model_validator(mode="after")
    def _base_buys_freely(self) -> Scenario:
        if self.population.base is not None and self.setting.kind == "contractual":
            raise invalid(
                _("no base file in a contractual world"),
                repr(self.population.base),
                _("a base file holds shoppers' histories (BG/NBD): use kind: non_contractual"),
                at=("population", "base"),
            )
        return self

    @model_validator(mode="after")
    def _known_categories(self) -> Scenario:
        names = [c.name for c in self.catalogue.categories]
        if self.loyalty is not None:
            error = self.loyalty.category_error(names)
            if error is not None:
                raise error
        hint = _("known categories: {names}", names=", ".join(names))
        if self.service is not None:
            for cat in self.service.failure_rate_by_category:
                if cat not in names:
                    raise invalid(
                        _(CATALOGUE_CATEGORY),
                        repr(cat),
                        hint,
                        at=("service", "failure_rate_by_category", cat),
                    )
        for i, shock in enumerate(self.shocks or []):
            for j, cat in enumerate(shock.categories):
                if cat not in names:
                    raise invalid(
                        _(CATALOGUE_CATEGORY),
                        repr(cat),
                        hint,
                        at=("shocks", i, "categories", j),
                    )
        return self

    def with_overrides(self, customers: int | None = None, days: int | None = None) -> Scenario:
        """A copy with another population size and/or horizon.

        `customers` sets the initial base and scales acquisitions by the same factor, so
        the world keeps its shape at any size.
        """
        data = self.model_dump()
        if customers is not None:
            if customers < 0:
                raise ScenarioError(
                    [Problem("customers", None, _("a number of customers >= 0"), repr(customers))]
                )
            base = self.population.initial_customers
            factor = customers / base if base else 1.0
            data["population"]["initial_customers"] = int(customers)
            data["population"]["acquisitions_per_day"] = (
                self.population.acquisitions_per_day * factor
            )
        if days is not None:
            if days <= 0:
                raise ScenarioError(
                    [Problem("days", None, _("a horizon of at least 1 day"), repr(days))]
                )
            data["horizon_days"] = int(days)
        names = {"horizon_days": "days", "population.initial_customers": "customers"}

        def convert(err: ValidationError) -> list[Problem]:  # e.g. --days beyond 3650
            return [
                dataclasses.replace(p, path=names.get(p.path, p.path)) for p in problems_from(err)
            ]

        return validated(Scenario, data, "scenario", convert)


def _is_numeric(annotation: Any) -> bool:
    """int or float, perhaps optional or Annotated with limits."""
    if typing.get_origin(annotation) is Annotated:
        return _is_numeric(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, type(int | None)):
        return any(_is_numeric(a) for a in typing.get_args(annotation))
    return annotation in (int, float)


# ------------------------------------------------------------ pydantic errors → Problems


def _inner_model(annotation: Any) -> Any:
    """The BaseModel (or tuple of models for a union) inside an annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args = typing.get_args(annotation)
    models = tuple(a for a in args if isinstance(a, type) and issubclass(a, BaseModel)) or tuple(
        m for a in args for m in _as_tuple(_inner_model(a))
    )
    if len(models) == 1:
        return models[0]
    return models or None


def _as_tuple(x: Any) -> tuple:
    if x is None:
        return ()
    return x if isinstance(x, tuple) else (x,)


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(_is_list(a) for a in typing.get_args(annotation))


def _tag_of(model: type[BaseModel]) -> str | None:
    """The value of a union member's `kind: ...` tag (pydantic puts it in error paths)."""
    field = model.model_fields.get("kind")
    if field is not None and typing.get_origin(field.annotation) is Literal:
        return typing.get_args(field.annotation)[0]
    return None


def _resolve(loc: tuple, root: type[BaseModel] | None = None) -> tuple[tuple, Any]:
    """pydantic's location -> (the path as the file has it, the model found there).

    `root` is the model of the whole file (the Scenario unless said otherwise).
    Drops discriminated-union tags (('setting', 'contractual', 'term_days') is
    `setting.term_days` in the file) and dict-key markers ('[key]').
    """
    clean: list = []
    current: Any = root or Scenario
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(current, tuple) and isinstance(part, str):
            member = next((m for m in current if _tag_of(m) == part), None)
            if member is not None:
                current = member
                continue
        clean.append(part)
        if isinstance(part, int) and not isinstance(part, bool):
            continue  # a list item: same model as the list
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part) if isinstance(part, str) else None
            current = _inner_model(field.annotation) if field is not None else None
        else:
            current = None
    return tuple(clean), current


def _pattern(path: tuple) -> str:
    """A path with list indices generalised: catalogue.categories[...]."""
    return re.sub(r"\[\d+\]", "[...]", render_path(path))


def _homes(root: type[BaseModel]) -> dict[str, list[tuple[str, type[BaseModel], str | None]]]:
    """For each field name, where it may appear: (path pattern, model, union tag)."""
    out: dict[str, list[tuple[str, type[BaseModel], str | None]]] = {}

    def visit(model: type[BaseModel], path: str, tag: str | None, depth: int) -> None:
        for name, field in model.model_fields.items():
            out.setdefault(name, []).append((path, model, tag))
            inner = _inner_model(field.annotation)
            sub = f"{path}.{name}" if path else name
            if _is_list(field.annotation):
                sub += "[...]"
            union = isinstance(inner, tuple)
            for m in _as_tuple(inner):
                if depth < 6:
                    visit(m, sub, _tag_of(m) if union else None, depth + 1)

    visit(root, "", None, 0)
    return out


def _unknown_key_hint(key: Any, parent: Any, parent_path: tuple, root: type[BaseModel]) -> str:
    if not (isinstance(parent, type) and issubclass(parent, BaseModel)):
        return ""
    known = list(parent.model_fields)
    guess = closest(str(key), known)
    if guess:
        return _(DID_YOU_MEAN, guess=repr(guess))
    here = _pattern(parent_path)
    # only for names that say something (not a, b, r, p, q, which several priors share)
    homes = _homes(root).get(str(key), []) if len(str(key)) > 2 else []
    elsewhere = [h for h in homes if h[1] is not parent]
    for path, _model, tag in elsewhere:
        if tag is not None and path == here:
            return _(
                "{key} only applies to kind: {tag}; remove it here, or set kind: {tag}",
                key=repr(key),
                tag=tag,
            )
    if elsewhere:
        places = sorted(
            {
                _("under '{section}:'", section=where) if where else _("at the top level")
                for where, _model, _tag in elsewhere
            }
        )
        joined = _(" or ").join(places[:3])
        return _("{key} belongs {places}, not here", key=repr(key), places=joined)
    return _("known keys here: {keys}", keys=", ".join(known))


_YAML_BOOL = N_("YAML reads yes/no/on/off/true/false as true or false; put it in quotes")
CATALOGUE_CATEGORY = N_("a category of the catalogue")


def _quoted_options(text: str) -> list[str]:
    return re.findall(r"'([^']*)'", text)


def _problem(e: dict[str, Any], lines: dict[tuple, int], root: type[BaseModel]) -> Problem:
    """One pydantic error as a Problem: path in the file, line, expected, found, hint."""
    raw = tuple(e["loc"])
    kind = e["type"]
    ctx = e.get("ctx") or {}
    value = e.get("input")
    loc = _resolve(raw, root)[0]
    line_loc = loc
    found = _describe(value)
    hint = ""
    if kind == "scenario":  # raised by our own validators through _invalid()
        loc = line_loc = loc + tuple(ctx.get("at", ()))
        expected, found, hint = ctx["expected"], ctx["found"], ctx.get("hint", "")
    elif kind == "extra_forbidden":
        parent = _resolve(raw[:-1], root)[1]
        expected = _("a known key")
        found = _("unknown key {key}", key=repr(str(loc[-1])))
        hint = _unknown_key_hint(loc[-1], parent, loc[:-1], root)
    elif kind == "invalid_key":
        expected = _("a key written as text")
        found = _("the key {key}", key=_describe(value))
        hint = _(_YAML_BOOL) if isinstance(value, bool) else _("put the key in quotes")
    elif kind == "literal_error":
        options = _quoted_options(str(ctx.get("expected", "")))
        expected = _(ONE_OF, options=", ".join(options)) if options else e["msg"].lower()
        if raw[-1:] == ("[key]",):
            found = _("unknown key {key}", key=repr(str(value)))
        guess = closest(str(value), options) if options else None
        hint = _(DID_YOU_MEAN, guess=repr(guess)) if guess and guess != value else ""
    elif kind == "missing":
        expected = _("a value (this key is required)")
        found = _("no {key} key", key=repr(str(loc[-1])))
        hint = _("add '{key}: ...'", key=loc[-1])
    elif kind == "union_tag_invalid":
        options = _quoted_options(str(ctx.get("expected_tags", "")))
        loc = line_loc = loc + ("kind",)
        expected = _(ONE_OF, options=", ".join(options))
        found = _describe(ctx.get("tag"))
        guess = closest(str(ctx.get("tag")), options)
        hint = _(DID_YOU_MEAN, guess=repr(guess)) if guess else ""
    elif kind == "union_tag_not_found":
        expected = _("a 'kind' key saying which kind of setting this is")
        found = _("a mapping without 'kind'") if isinstance(value, dict) else found
        hint = _(
            "add kind: non_contractual (retail-like) or kind: contractual (accounts on contracts)"
        )
    elif kind in EXPECTED:
        expected = _(EXPECTED[kind])
        if isinstance(value, bool) and kind == "string_type":
            hint = _(_YAML_BOOL)
        elif kind == "string_type":
            hint = _("put the text in quotes")
        elif value is None and kind.startswith(("model", "dict", "list")):
            hint = _(
                "'{key}:' has nothing after it; fill it in, or delete the line to use the defaults",
                key=loc[-1],
            )
        elif isinstance(value, str) and value.strip().endswith("%"):
            hint = _("write a percentage as a fraction, e.g. 40% as 0.4")
        elif loc and loc[-1] == "setting" and isinstance(value, str):
            hint = _(
                "write it as a mapping, e.g. setting: {example}",
                example="{kind: " + value + "}",
            )
    elif kind.startswith("date"):
        expected = _("a date like 2026-01-01")
        reason = ctx.get("error") or ""
        if kind == "date_from_datetime_inexact":
            reason = _("a date without a time of day")
        hint = str(reason)
    elif kind in LIMITS:
        key, sym = LIMITS[kind]
        limit = ctx.get(key, "?")
        expected = _("a number {sign} {limit}", sign=sym, limit=_number(limit))
        if isinstance(value, dt.date):
            if key == "ge":
                expected = _("a date on or after {date}", date=limit)
            else:
                expected = _("a date on or before {date}", date=limit)
            hint = _("dates lie from {first} to {last}", first=EARLIEST_DATE, last=LATEST_DATE)
        elif kind == "less_than_equal" and limit == 1:
            hint = _("shares and probabilities lie between 0 and 1 (write 15% as 0.15)")
        elif key in ("le", "lt"):
            hint = _("the schema's range for this field: python -m sim schema")
    elif kind in ("too_short", "string_too_short", "too_long", "string_too_long"):
        n = ctx.get("min_length", ctx.get("max_length"))
        expected = _(_LENGTHS["min_length" in ctx, kind.startswith("string"), n == 1], n=n)
        if loc and loc[-1] == "currency":
            expected, hint = _("a 3-letter currency code"), _("e.g. CNY, USD or EUR")
    elif kind == "value_error":
        expected = str(ctx.get("error", e["msg"]))
    else:
        expected = e["msg"][0].lower() + e["msg"][1:] if e["msg"] else kind
    return Problem(render_path(loc), nearest_line(lines, line_loc), expected, found, hint)


# (at least?, characters?, just one?) -> how a length limit reads
_LENGTHS = {
    (True, True, True): N_("at least {n} character"),
    (True, True, False): N_("at least {n} characters"),
    (True, False, True): N_("at least {n} item"),
    (True, False, False): N_("at least {n} items"),
    (False, True, True): N_("at most {n} character"),
    (False, True, False): N_("at most {n} characters"),
    (False, False, True): N_("at most {n} item"),
    (False, False, False): N_("at most {n} items"),
}


def _number(x: Any) -> str:
    """A limit as people write it: 1,000,000 rather than 1000000.0."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        x = int(x)
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) >= 10_000:
        return f"{x:,}"
    return str(x)


def _is_number_map(annotation: Any) -> bool:
    """dict[..., float]-like (needs_mix, channel_mix), possibly optional."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is dict:
        return len(args) == 2 and _is_numeric(args[1])
    return any(_is_number_map(a) for a in args)


def bool_problems(data: Any, model: Any, path: tuple, lines: dict[tuple, int]) -> list[Problem]:
    """true/false where a number belongs: pydantic would quietly read them as 1 and 0.

    In YAML that is almost always a slip (yes/no/on/off are booleans in YAML 1.1).
    """
    if isinstance(model, tuple) and isinstance(data, dict):  # a union: the tag picks
        model = next((m for m in model if _tag_of(m) == data.get("kind")), None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)) or not isinstance(data, dict):
        return []
    out: list[Problem] = []
    for key, value in data.items():
        field = model.model_fields.get(key) if isinstance(key, str) else None
        if field is None:
            continue
        sub = path + (key,)
        found = {}
        if isinstance(value, bool) and _is_numeric(field.annotation):
            found[sub] = value
        elif isinstance(value, dict) and _is_number_map(field.annotation):
            found.update({sub + (k,): v for k, v in value.items() if isinstance(v, bool)})
        for where, flag in found.items():
            out.append(
                Problem(
                    render_path(where),
                    nearest_line(lines, where),
                    _(EXPECTED["float_type"]),
                    _describe(flag),
                    _("YAML reads yes/no/on/off/true/false as true or false, not as numbers"),
                )
            )
        inner = _inner_model(field.annotation)
        if isinstance(value, list):
            for i, item in enumerate(value):
                out += bool_problems(item, inner, sub + (i,), lines)
        else:
            out += bool_problems(value, inner, sub, lines)
    return out


def problems_from(
    err: ValidationError,
    lines: dict[tuple, int] | None = None,
    root: type[BaseModel] | None = None,
) -> list[Problem]:
    """Every error pydantic found, as Problems with the line of each in the file.

    `root` is the model validated (the Scenario unless said otherwise: a trainer file, a
    team block), so that paths and "did you mean" hints are those of that file.

    A misspelt required key (`shre:` for `share:`) is one problem, not two: the unknown
    key with its "did you mean 'share'?" says it all, so the "missing 'share'" is dropped.
    """
    root = root or Scenario
    errors = err.errors()
    typos = set()
    for e in errors:
        if e["type"] == "extra_forbidden":
            loc = _resolve(tuple(e["loc"]), root)[0]
            parent = _resolve(tuple(e["loc"])[:-1], root)[1]
            if isinstance(parent, type) and issubclass(parent, BaseModel):
                guess = closest(str(loc[-1]), list(parent.model_fields))
                if guess:
                    typos.add(loc[:-1] + (guess,))
    return [
        _problem(e, lines or {}, root)
        for e in errors
        if not (e["type"] == "missing" and _resolve(tuple(e["loc"]), root)[0] in typos)
    ]


# -------------------------------------------------------------------------- loading


def parse_scenario(text: str, source: str = "scenario") -> Scenario:
    """Validate YAML text into a Scenario, or raise ScenarioError listing every problem."""
    data, lines, problems, root_line = read_yaml(text, source)
    if data is None:
        meaningful = [
            ln
            for ln in text.splitlines()
            if ln.strip() and not ln.lstrip().startswith("#") and ln.strip() not in ("---", "...")
        ]
        if not text.strip():
            found = _("an empty file")
        elif not meaningful:
            found = _("only comments")
        else:
            found = _("nothing (null)")
        raise ScenarioError(
            [
                Problem(
                    "",
                    root_line if meaningful else None,
                    _("a scenario: a mapping with at least 'name:'"),
                    found,
                    SCENARIO.start_hint,
                )
            ],
            source,
        )
    if not isinstance(data, dict):
        hint = (
            _("the file is a list (lines start with '- '); a scenario is a mapping of keys")
            if isinstance(data, list)
            else _("is this a scenario file? {hint}", hint=SCENARIO.start_hint)
        )
        raise ScenarioError(
            [
                Problem(
                    "",
                    root_line,
                    _("a mapping of keys to values (name: ..., population: ...)"),
                    _describe(data),
                    hint,
                )
            ],
            source,
        )
    problems = problems + bool_problems(data, Scenario, (), lines)
    return validated(Scenario, data, source, lambda err: problems_from(err, lines), problems)


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file; raise ScenarioError naming file, field and line.

    A relative `population.base` is resolved against the scenario file's folder, and the
    base file is checked too (sim.world.base)."""
    path = Path(path)
    scenario = parse_scenario(read_text(path), str(path))
    base = scenario.population.base
    if base is None:
        return scenario
    from sim.world.base import read_base

    resolved = (path.parent / base).resolve()
    read_base(resolved)
    population = scenario.population.model_copy(update={"base": str(resolved)})
    return scenario.model_copy(update={"population": population})


def json_schema() -> str:
    """The JSON Schema of a scenario file, for editors' autocompletion.

    Point an editor at it, e.g. with the YAML extension of VS Code: save the output as
    scenario.schema.json and start a scenario with
    `# yaml-language-server: $schema=scenario.schema.json`.
    """
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Customer-workbench scenario"
    schema["description"] = (
        "One simulated customer world (check a file with: python -m sim validate FILE)."
    )
    _translate_descriptions(schema)
    for definition in schema.get("$defs", {}).values():
        props = definition.get("properties", {})
        if "const" in props.get("kind", {}):  # a union member: its tag picks it
            required = definition.setdefault("required", [])
            if "kind" not in required:
                required.insert(0, "kind")
    # readable text (× and Chinese), not \u escapes: the command's streams replace what a
    # console's code page cannot show, and an editor reads UTF-8
    return json.dumps(schema, indent=2, ensure_ascii=False, default=str)


def _translate_descriptions(node: object) -> None:
    """Every field description in the language in use (those the catalogue holds; the
    rest stay English), so `--lang zh schema` explains the fields in Chinese."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                node[key] = _(value)
            else:
                _translate_descriptions(value)
    elif isinstance(node, list):
        for item in node:
            _translate_descriptions(item)
