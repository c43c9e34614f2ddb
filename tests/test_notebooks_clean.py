"""Notebooks, English and their Chinese twins (notebooks/zh/), are committed without outputs,
and each opens with what the trainee will learn and ends with a debrief."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(ROOT.glob("*.ipynb")) + sorted(ROOT.glob("zh/*.ipynb"))
# the words the first and the last cell hold, by the notebook's language
MINUTES = {"notebooks": "minutes", "zh": "分钟"}
DEBRIEF = {"notebooks": "Debrief", "zh": "复盘"}


def test_there_are_notebooks():
    assert any(p.name == "00_start_here.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_notebook_is_stripped_and_starts_with_goals(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i} has outputs: run make strip"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has a count"
    folder = path.parent.name
    first = "".join(nb["cells"][0]["source"])
    assert first.startswith("# ") and MINUTES[folder] in first, "start with the goal and the time"
    last = "".join(nb["cells"][-1]["source"])
    assert DEBRIEF[folder] in last, "end with a debrief question"
