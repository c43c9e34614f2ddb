"""A package's public names, imported the first time one is used (PEP 562).

`import sim` then costs almost nothing: pandas, SimPy and matplotlib load when a user first
touches `sim.run`, `sim.datasets` or `sim.compare`, not when a command only prints its help.

    __getattr__, __dir__ = lazy_names(__name__, {"run": "sim.runner", "datasets": "sim.datasets"})
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_names(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`: `names` maps a public name to the module that
    defines it (the name itself when that module *is* the value, e.g. a subpackage). A name is
    imported once, then kept in the package's namespace so later lookups are plain."""

    def __getattr__(name: str) -> object:
        try:
            where = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        module = importlib.import_module(where)
        value = module if where == f"{package}.{name}" else getattr(module, name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__
