"""pyproject.toml and environment.yml pin the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)\s*==\s*([^\s;]+)$")


def _pins(lines: list[str], where: str) -> dict[str, str]:
    pins = {}
    for line in lines:
        m = PIN.match(line.strip())
        assert m, f"{where}: {line!r} is not pinned as NAME==VERSION"
        pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + [
        d for group in project["optional-dependencies"].values() for d in group
    ]
    return _pins(lines, "pyproject.toml")


def environment_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
        elif not dep.startswith(("python", "pip")) or dep.startswith("python-"):
            conda.append(dep)
    return _pins(conda + pip, "environment.yml")


def test_pyproject_and_environment_pin_the_same_versions():
    ours, theirs = pyproject_pins(), environment_pins()
    missing = sorted(set(ours) - set(theirs))
    extra = sorted(set(theirs) - set(ours))
    differ = {k: (ours[k], theirs[k]) for k in set(ours) & set(theirs) if ours[k] != theirs[k]}
    assert not missing, f"in pyproject.toml but not environment.yml: {missing}"
    assert not extra, f"in environment.yml but not pyproject.toml: {extra}"
    assert not differ, f"versions differ (pyproject, environment): {differ}"


def test_the_pin_parser_catches_drift():
    assert _pins(["pandas==3.1.1"], "x") == {"pandas": "3.1.1"}
    try:
        _pins(["pandas>=3"], "x")
    except AssertionError as exc:
        assert "not pinned" in str(exc)
    else:
        raise AssertionError("an unpinned requirement must be rejected")


def test_installed_versions_match_the_pins():
    from importlib.metadata import version

    for name, pinned in pyproject_pins().items():
        assert version(name) == pinned, f"{name}: installed {version(name)}, pinned {pinned}"
