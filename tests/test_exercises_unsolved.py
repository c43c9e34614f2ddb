"""After "Run all cells" every exercise still waits for the trainee: the notebooks are
executed here and their outputs read, English and Chinese twins (notebooks/zh/). (nbval runs
them too, but compares no output.)"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


@pytest.fixture(autouse=True)
def kernels_import_this_checkout(monkeypatch):
    """The kernels run this checkout's sim (and its catalogue), whatever the venv installed."""
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )


def executed_text(name: str) -> str:
    """Every text output of notebook `name` (zh/NAME for a twin) run top to bottom, as one
    string."""
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, resources={"metadata": {"path": str(path.parent)}}).execute()
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", ""))
            texts.append(str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


# notebook -> how many exercise checks it holds (each must say "not answered yet")
EXERCISES = {
    "01_customer_database.ipynb": 2,
    "02_segmentation.ipynb": 2,
    "04_complaint_handling.ipynb": 1,
    "05_churn_warning_winback.ipynb": 2,
    "06_outreach_feedback.ipynb": 1,
    "08_golden_30_minutes.ipynb": 3,
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_after_run_all_every_exercise_waits_for_the_trainee(name):
    text = executed_text(name)
    assert text.count("not answered yet") == EXERCISES[name]
    assert "✔ right" not in text  # no exercise answered for the trainee
    if name.startswith("08"):
        assert "handed in after" not in text and "of 15 points" not in text
    if name.startswith("04"):  # the role-play waits for the first reply
        assert "the example agent's route" in text and "your route" not in text


def _head(said: str) -> str:
    """'not answered yet' out of a not-answered message, in either language."""
    said = said.replace("：", ":").replace("（", "(")
    return said.split(":")[0].split("(")[0].strip()


def not_answered_in_chinese() -> tuple[str, str]:
    """What an unanswered exercise and an unanswered golden-30 task say in Chinese, up to the
    colon or bracket (as the catalogue has it; English where it has none yet)."""
    from sim import i18n
    from sim.golden30.checks import Report
    from sim.views.exercises import check_pareto_share

    with i18n.using("zh"):
        exercise = str(check_pareto_share(None)).removeprefix("… ")
        task = str(Report("T", answered=False)).removeprefix("T")
    return _head(exercise), _head(task.lstrip(":： "))


TWINS = [name for name in EXERCISES if (NOTEBOOKS / "zh" / name).exists()]


@pytest.mark.parametrize("name", TWINS)
def test_the_chinese_twin_leaves_every_exercise_for_the_trainee_too(name):
    text = executed_text(f"zh/{name}")
    exercise, task = not_answered_in_chinese()
    assert text.count(task if name.startswith("08") else exercise) == EXERCISES[name]
    assert "✔" not in text


CHECKERS = [
    ("sim.views.exercises", "check_pareto_share"),
    ("sim.views.exercises", "check_segment_count"),
    ("sim.views.exercises", "check_precision"),
    ("sim.views.exercises", "check_lead_sign"),
    ("sim.views.exercises", "check_duplicate_pairs"),
    ("sim.views.exercises", "check_masked_export"),
    ("sim.views.service_views", "check_silent_share"),
    ("sim.views.outreach_views", "check_nps"),
]


@pytest.mark.parametrize(("module", "name"), CHECKERS, ids=[n for _, n in CHECKERS])
def test_an_answer_left_as_none_is_not_answered_yet_not_wrong(module, name):
    import importlib

    check = getattr(importlib.import_module(module), name)
    feedback = check(None)  # an empty answer needs none of the data to be told so
    assert not feedback.ok and not feedback.answered
    assert str(feedback).startswith("… not answered yet")
