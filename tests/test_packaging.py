"""A non-editable install finds the shipped datasets and scenarios: pyproject ships every
file of datasets/ and scenarios/ where sim.datasets looks for them outside a checkout."""

from __future__ import annotations

import glob
import sysconfig
import tomllib
from pathlib import Path

from sim import datasets

ROOT = Path(__file__).resolve().parents[1]
SHARE = "share/customer-workbench"


def _data_files() -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["data-files"]


def test_every_dataset_and_scenario_file_is_installed_in_its_folder():
    shipped = {
        p.relative_to(ROOT).as_posix()
        for top in ("datasets", "scenarios")
        for p in (ROOT / top).rglob("*")
        if p.is_file() and not any(part.startswith((".", "__")) for part in p.parts[-2:])
    }
    installed = set()
    for dest, patterns in _data_files().items():
        assert dest.startswith(SHARE + "/"), dest
        folder = dest[len(SHARE) :].strip("/")
        for pattern in patterns:
            for f in glob.glob(str(ROOT / pattern)):
                rel = Path(f).relative_to(ROOT)
                assert rel.parent.as_posix() == folder, (f, dest)
                installed.add(rel.as_posix())
    assert shipped and shipped == installed, shipped ^ installed


def test_outside_a_checkout_datasets_are_looked_for_where_the_wheel_puts_them(monkeypatch):
    monkeypatch.setattr(Path, "is_dir", lambda self: False)
    expected = Path(sysconfig.get_path("data")) / SHARE
    assert datasets._datasets_dir() == expected / "datasets"
    assert datasets._shipped_dir("scenarios") == expected / "scenarios"
    monkeypatch.undo()
    assert datasets._datasets_dir() == ROOT / "datasets"
    assert datasets.SCENARIOS == ROOT / "scenarios"
