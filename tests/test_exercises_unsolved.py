"""After "Run all cells" every exercise still waits for the trainee: the notebooks are
executed here and their outputs read, English and Chinese twins (notebooks/zh/). (nbval runs
them too, but compares no output.)"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


@functools.cache
def executed(name: str) -> nbformat.NotebookNode:
    """Notebook `name` (zh/NAME for a twin) run top to bottom, once per test session: every
    test here reads the same executed copy."""
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def executed_text(name: str) -> str:
    """Every text output of notebook `name` (zh/NAME for a twin) run top to bottom, as one
    string."""
    nb = executed(name)
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", ""))
            texts.append(str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


# notebook -> how many exercise checks it holds (each must say "not answered yet")
EXERCISES = {
    "01_customer_database.ipynb": 6,
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
    ("sim.sqlcheck", "check_vip_sql"),
    ("sim.sqlcheck", "check_churn_warning_sql"),
    ("sim.sqlcheck", "check_service_history_sql"),
    ("sim.sqlcheck", "check_new_by_month_sql"),
]


@pytest.mark.parametrize(("module", "name"), CHECKERS, ids=[n for _, n in CHECKERS])
def test_an_answer_left_as_none_is_not_answered_yet_not_wrong(module, name):
    import importlib

    check = getattr(importlib.import_module(module), name)
    feedback = check(None)  # an empty answer needs none of the data to be told so
    assert not feedback.ok and not feedback.answered
    assert str(feedback).startswith("… not answered yet")


TAG = re.compile(r"<(span|td|th|tr|table|div|p|b|i|br|pre|h[1-6])\b[^>]*>", re.I)
TEXT_WIDGETS = ("LabelModel", "TextModel", "TextareaModel")


def shown_as_text(nb: nbformat.NotebookNode) -> list[str]:
    """What an executed notebook shows as plain text: printed streams, results that have no
    HTML or widget view (their text/plain is what the reader sees), text widgets' values
    and what Output widgets captured."""
    found = []

    def outputs(outs):
        for out in outs:
            data = out.get("data", {})
            if out.get("output_type") == "stream":
                found.append(out.get("text", ""))
            elif not {"text/html", "application/vnd.jupyter.widget-view+json"} & set(data):
                found.append(str(data.get("text/plain", "")))

    for cell in nb.cells:
        outputs(cell.get("outputs", []))
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model in state.get("state", {}).values():
        if model.get("model_name") in TEXT_WIDGETS:
            found.append(str(model.get("state", {}).get("value", "")))
        outputs(model.get("state", {}).get("outputs", []))
    return found


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS.glob("[0-9]*.ipynb")))
def test_no_notebook_prints_html_as_text(name):
    shown = [t for t in shown_as_text(executed(name)) if TAG.search(t)]
    assert not shown, f"{name} shows HTML as text: {shown[0][:200]!r}"


def test_html_printed_as_text_is_caught():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [nbformat.v4.new_output("stream", text="<span style='color:#b00'>x</span>")]
    nb.cells = [cell]
    assert shown_as_text(nb) and TAG.search(shown_as_text(nb)[0])
    shown = nbformat.v4.new_output(
        "display_data", data={"text/html": "<td>1</td>", "text/plain": "<td>"}
    )
    cell.outputs = [shown]
    assert not shown_as_text(nb)
