"""Variants and grid points: partial scenarios deep-merged over a base, then validated.

A variant file holds only what differs from the base scenario. Merging rules: mappings
merge key by key, recursively; lists and plain values replace; `null` replaces too (so
`loyalty: null` switches the program off); a mapping whose `kind` changes replaces the
old mapping whole (a contractual setting does not inherit non-contractual keys).

A key that is a path (`loyalty.rules[weekend_double].multiplier: 1`) sets that one field
after the merge, so a variant can change one rule of a list without restating the rest.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim import paths
from sim.i18n import _
from sim.problems import SCENARIO, FileKind, Problem, ScenarioError, validated
from sim.scenario import Scenario, bool_problems, problems_from
from sim.yamlfile import read_text, read_yaml


def deep_merge(base: Any, patch: Any) -> Any:
    """`patch` laid over `base`: mappings merge recursively; anything else replaces."""
    if not isinstance(base, Mapping) or not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    if "kind" in patch and patch.get("kind") != base.get("kind"):
        return copy.deepcopy(dict(patch))
    out = {k: copy.deepcopy(v) for k, v in base.items()}
    for key, value in patch.items():
        out[key] = deep_merge(out[key], value) if key in out else copy.deepcopy(value)
    return out


@dataclass(frozen=True)
class Variant:
    """A named partial scenario and where it came from (a file, or 'python')."""

    name: str
    patch: dict[str, Any]
    source: str = "python"
    lines: dict[tuple, int] | None = None


def read_variant(
    path: str | Path,
    name: str | None = None,
    kind: FileKind = SCENARIO,
    inside: Path | None = None,
) -> Variant:
    """Read a variant file (a partial scenario); raise ScenarioError (the kind's error)
    naming file and line. With `inside`, a symlink out of that folder is refused."""
    path = Path(path)
    source = str(path)
    text = read_text(path, kind, inside)
    data, lines, problems, root_line = read_yaml(text, source, kind)
    if data is None:
        data = {}  # an empty variant is the base itself
    if not isinstance(data, dict):
        found = "a list" if isinstance(data, list) else "a single value"
        raise kind.fail(
            [
                Problem(
                    "",
                    root_line,
                    "a partial scenario: a mapping of the keys that differ (loyalty: ...)",
                    found,
                    "write only the sections that change, e.g. 'loyalty: null'",
                )
            ],
            source,
        )
    if problems:
        raise kind.fail(problems, source)
    return Variant(name or path.stem, data, source, lines)


def is_path_key(key: Any) -> bool:
    """Whether a variant's top-level key is a path to one field (holds '.' or '[')."""
    return isinstance(key, str) and ("." in key or "[" in key)


def build_variant(base: Scenario, variant: Variant) -> Scenario:
    """The full scenario of `variant` over `base`; ScenarioError names the variant's file."""
    lines = dict(variant.lines or {})
    nested = {k: v for k, v in variant.patch.items() if not is_path_key(k)}
    merged = deep_merge(base.model_dump(), nested)
    for key, value in variant.patch.items():
        if not is_path_key(key):
            continue
        try:
            merged = paths.set_values(merged, {key: value})
        except paths.PathError as exc:
            problem = Problem(
                key,
                lines.get((key,)),
                "a path to one field of the base scenario",
                exc.reason,
                "write it as section.field, with a list item by name: "
                "loyalty.rules[weekend_double].multiplier",
            )
            raise ScenarioError([problem], variant.source) from None
        if (key,) in lines:  # a problem with the value it set is reported on its line
            lines[paths.location(merged, key)] = lines[(key,)]
    return _validate(merged, variant.source, lines, nested)


def _validate(
    data: dict[str, Any], source: str, lines: dict[tuple, int], patch: dict[str, Any]
) -> Scenario:
    problems = bool_problems(patch, Scenario, (), lines)
    return validated(Scenario, data, source, lambda err: problems_from(err, lines), problems)


def as_variant(name: str, spec: Any) -> Variant | Scenario:
    """A variant from what a caller passed: a file path, a partial dict, or a Scenario."""
    if isinstance(spec, Scenario | Variant):
        return spec
    if isinstance(spec, str | Path):
        return read_variant(spec, name)
    if isinstance(spec, Mapping):
        return Variant(name, dict(spec), source=f"variant {name!r}")
    raise TypeError(
        _(
            "variant {name}: expected a file path, a dict or a Scenario, found {found}",
            name=repr(name),
            found=type(spec).__name__,
        )
    )


def resolve_variants(base: Scenario, variants: Mapping[str, Any]) -> dict[str, Scenario]:
    """Every variant as a validated full Scenario, in the caller's order."""
    out = {}
    for name, spec in variants.items():
        v = as_variant(name, spec)
        out[name] = v if isinstance(v, Scenario) else build_variant(base, v)
    return out


# ----------------------------------------------------------------- dotted paths


def set_path(data: dict[str, Any], path: str, value: Any, source: str = "sweep") -> dict[str, Any]:
    """A copy of nested `data` (a dumped scenario) with the value at `path` set (the
    syntax of `sim.paths`: loyalty.tiers[gold].threshold); ScenarioError when it leads
    nowhere."""
    try:
        return paths.set_values(data, {path: value})
    except paths.PathError as exc:
        problem = Problem(path, None, "a path that exists in the scenario", exc.reason)
        raise ScenarioError([problem], source) from None


def with_values(base: Scenario, values: Mapping[str, Any], source: str = "sweep") -> Scenario:
    """A validated copy of `base` with each dotted path set (one grid point of a sweep)."""
    data = base.model_dump()
    for path, value in values.items():
        data = set_path(data, path, value, source)
    return validated(Scenario, data, source, problems_from)


# ---------------------------------------------------------------- seeds (CRN)


def replication_seeds(seed: int, replications: int) -> list[int]:
    """The world seed of each replication: SeedSequence(seed).spawn(n), one 63-bit word each.

    Every variant and grid point uses the same list, so replication k of each sees the
    same customers (common random numbers) and paired differences are tight.
    """
    if replications < 1:
        raise ValueError(_("replications: expected at least 1, found {found}", found=replications))
    children = np.random.SeedSequence(int(seed)).spawn(int(replications))
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]
