"""Paths to one field of a scenario, the one syntax that levers, sweeps and the strategy
lab share: `service.l1_agents`, `loyalty.tiers[gold].threshold`, `loyalty.tiers[1].threshold`.

A part in brackets picks a list item by its `name` (tiers, rules, rewards, triggers,
categories and shocks all have one), or by position when it is a whole number.
"""

from __future__ import annotations

import copy
import re
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from sim.i18n import N_, _
from sim.problems import closest

_PART = re.compile(r"([A-Za-z_]\w*)(?:\[([^\]\[]+)\])?")
NO_FIELDS = N_("{name} is inside something that has no fields")


class PathError(KeyError, ValueError):
    """A path that cannot be read, or leads to nothing in this scenario. A KeyError (a
    lever the scenario does not have is skipped) and a ValueError (a bad value given)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return _("{path}: {reason}", path=self.path, reason=self.reason)


def parse(path: str) -> list[tuple[str, str | None]]:
    """'loyalty.tiers[gold].threshold' -> [('loyalty', None), ('tiers', 'gold'),
    ('threshold', None)]; PathError for text that is not a path. A name in brackets may
    hold dots and spaces ('outreach.triggers[10% off. spring].coupon')."""
    parts, pos = [], 0
    while True:
        match = _PART.match(path, pos)
        end = match.end() if match else pos
        if match is None or (end < len(path) and path[end] != "."):
            bad = path[pos:].split(".")[0]
            what = repr(bad) if bad else _("an empty part")
            raise PathError(
                path,
                _("cannot read {what}; a path looks like loyalty.tiers[gold].threshold", what=what),
            )
        parts.append((match.group(1), match.group(2)))
        if end == len(path):
            return parts
        pos = end + 1


def _nowhere(path: str, name: str, known: list[str]) -> PathError:
    guess = closest(name, known)
    if guess:
        reason = _(
            "nothing called {name} here; did you mean {guess}?", name=repr(name), guess=repr(guess)
        )
    else:
        reason = _("nothing called {name} here", name=repr(name))
    return PathError(path, reason)


def _child(node: Any, name: str, path: str) -> Any:
    if isinstance(node, Mapping):
        if name in node:
            return node[name]
        raise _nowhere(path, name, [str(k) for k in node])
    if isinstance(node, BaseModel):
        if name in type(node).model_fields:
            return getattr(node, name)
        raise _nowhere(path, name, list(type(node).model_fields))
    raise PathError(path, _(NO_FIELDS, name=repr(name)))


def _name(item: Any) -> Any:
    return item.get("name") if isinstance(item, Mapping) else getattr(item, "name", None)


def _item(items: Any, key: str, path: str) -> Any:
    """The item of `items` whose name is `key`, or the item at position `key`."""
    if not isinstance(items, list | tuple):
        raise PathError(path, _("[{key}] picks from a list, and this is not one", key=key))
    for item in items:
        if _name(item) == key:
            return item
    if key.lstrip("-").isdigit() and -len(items) <= int(key) < len(items):
        return items[int(key)]
    names = [str(_name(item)) for item in items if _name(item) is not None]
    known = ", ".join(names) or _("{n} items without names", n=len(items))
    raise PathError(
        path, _("no item named {key} here; there are: {known}", key=repr(key), known=known)
    )


def _walk(root: Any, parts: list[tuple[str, str | None]], path: str) -> Any:
    node = root
    for name, key in parts:
        node = _child(node, name, path)
        if node is None:
            raise PathError(path, _("{name} is off in this scenario (null)", name=repr(name)))
        if key is not None:
            node = _item(node, key, path)
    return node


def location(root: Any, path: str) -> tuple:
    """Where `path` points as a tuple of keys and list positions, the form of an error's
    location: 'loyalty.rules[weekend_double].multiplier' -> ('loyalty', 'rules', 0,
    'multiplier')."""
    node, out = root, []
    for name, key in parse(path):
        node = _child(node, name, path)
        out.append(name)
        if key is not None:
            item = _item(node, key, path)
            out.append(next(i for i, x in enumerate(node) if x is item))
            node = item
    return tuple(out)


def value_at(root: Any, path: str) -> Any:
    """The value at `path` in a scenario (or any model) or in its dumped dict."""
    return _walk(root, parse(path), path)


def field_at(scenario: BaseModel, path: str) -> tuple[Any, Any]:
    """The pydantic FieldInfo and the current value at `path` (a field, not a list item);
    PathError when the scenario has no such field (a world without outreach has no
    `outreach.fatigue.max_messages`)."""
    *parents, (leaf, key) = parse(path)
    node = _walk(scenario, parents, path)
    if key is not None or not isinstance(node, BaseModel):
        raise PathError(path, _("the last part must be a field"))
    fields = type(node).model_fields
    if leaf not in fields:
        raise _nowhere(path, leaf, list(fields))
    return fields[leaf], getattr(node, leaf)


def set_values(data: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of nested `data` (a dumped scenario) with each path set to its value;
    PathError when a path leads nowhere."""
    out = copy.deepcopy(data)
    for path, value in values.items():
        *parents, (leaf, key) = parse(path)
        node = _walk(out, parents, path)
        if not isinstance(node, dict):
            raise PathError(path, _(NO_FIELDS, name=repr(leaf)))
        if leaf not in node:
            raise _nowhere(path, leaf, [str(k) for k in node])
        if key is None:
            node[leaf] = value
            continue
        items = node[leaf]
        target = _item(items, key, path)
        items[next(i for i, item in enumerate(items) if item is target)] = value
    return out


def limits(info: Any) -> tuple[float | None, float | None, bool]:
    """The lower and upper bounds a field's schema sets (also inside `X | None`), and
    whether the lower one is strict (gt rather than ge)."""
    found: list[Any] = list(info.metadata)
    for arg in typing.get_args(info.annotation):
        for extra in typing.get_args(arg)[1:]:
            found += list(getattr(extra, "metadata", [extra]))
    low = high = None
    strict = False
    for meta in found:
        if getattr(meta, "ge", None) is not None:
            low = meta.ge
        if getattr(meta, "gt", None) is not None:
            low, strict = meta.gt, True
        if getattr(meta, "le", None) is not None:
            high = meta.le
    return low, high, strict
