"""After "Run all cells" every exercise still waits for the trainee: checked on the run nbval
makes of each notebook (`make test`'s second pytest run), so no notebook executes twice.

A pytest plugin (the root conftest.py loads it): after the last cell of each notebook under
nbval it adds one item, "after run all", that reads what the cells printed and displayed
(nbval keeps each cell's outputs) and asks the still-running kernel for the values of its
text widgets, then checks them: each exercise says "not answered yet" (in the notebook's
language), none is answered, and no HTML is printed as text.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

# notebook -> how many exercise checks it holds (each must say "not answered yet")
EXERCISES = {
    "01_customer_database.ipynb": 6,
    "02_segmentation.ipynb": 2,
    "04_complaint_handling.ipynb": 1,
    "05_churn_warning_winback.ipynb": 2,
    "06_outreach_feedback.ipynb": 1,
    "08_golden_30_minutes.ipynb": 3,
}
TAG = re.compile(r"<(span|td|th|tr|table|div|p|b|i|br|pre|h[1-6])\b[^>]*>", re.I)
TEXT_WIDGETS = ("Label", "Text", "Textarea")
# run in the notebook's kernel after its last cell: the text widgets' values, as JSON
WIDGET_TEXTS = f"""
import json as _json
from ipywidgets.widgets import widget as _widget
print(_json.dumps([str(w.value) for w in list(_widget._instances.values())
                   if type(w).__name__ in {TEXT_WIDGETS!r}]))
"""


def shown_as_text(outputs: list, widget_texts: list[str] = ()) -> list[str]:
    """What a run notebook shows as plain text: printed streams, results that have no HTML
    or widget view (their text/plain is what the reader sees) and text widgets' values."""
    found = []
    for out in outputs:
        data = out.get("data", {})
        if out.get("output_type") == "stream":
            found.append(out.get("text", ""))
        elif not {"text/html", "application/vnd.jupyter.widget-view+json"} & set(data):
            found.append(str(data.get("text/plain", "")))
    return found + list(widget_texts)


def every_text(outputs: list) -> str:
    """Every text output, HTML views' plain-text twins included, as one string."""
    texts = []
    for out in outputs:
        texts.append(out.get("text", ""))
        texts.append(str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def _head(said: str) -> str:
    """'not answered yet' out of a not-answered message, in either language."""
    said = said.replace("：", ":").replace("（", "(")
    return said.split(":")[0].split("(")[0].strip()


def not_answered(language: str) -> tuple[str, str]:
    """What an unanswered exercise and an unanswered golden-30 task say in `language`, up to
    the colon or bracket."""
    from sim import i18n
    from sim.golden30.checks import Report
    from sim.views.exercises import check_pareto_share

    with i18n.using(language):
        exercise = str(check_pareto_share(None)).removeprefix("… ")
        task = str(Report("T", answered=False)).removeprefix("T")
    return _head(exercise), _head(task.lstrip(":： "))


def check_after_run_all(name: str, language: str, outputs: list, widget_texts: list[str]):
    """Every exercise of notebook `name` waits for the trainee; nothing shows HTML as text."""
    shown = [t for t in shown_as_text(outputs, widget_texts) if TAG.search(t)]
    assert not shown, f"{name} shows HTML as text: {shown[0][:200]!r}"
    if name not in EXERCISES:
        return
    text = every_text(outputs)
    exercise, task = not_answered(language)
    waiting = task if name.startswith("08") else exercise
    assert text.count(waiting) == EXERCISES[name], (
        f"{name}: {text.count(waiting)} exercises say {waiting!r}, not {EXERCISES[name]}"
    )
    assert "✔" not in text, f"{name}: an exercise was answered for the trainee"
    if language != "en":
        return
    if name.startswith("08"):
        assert "handed in after" not in text and "of 15 points" not in text
    if name.startswith("04"):  # the role-play waits for the first reply
        assert "the example agent's route" in text and "your route" not in text


class AfterRunAll(pytest.Item):
    """The checks above on the notebook nbval has just run, in its still-running kernel."""

    def __init__(self, *, cells: list, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cells = cells

    def runtest(self) -> None:
        from nbval.plugin import IPyNbCell

        ran = [c for c in self.cells if c.test_outputs is not None]
        if len(ran) < len(self.cells):
            pytest.skip("not every cell ran (nbval reports which failed)")
        outputs = [out for cell in ran for out in cell.test_outputs]
        probe = IPyNbCell.from_parent(
            self.parent,
            name="widget texts",
            cell_num=len(self.cells),
            cell=nbformat.v4.new_code_cell(WIDGET_TEXTS),
            options=defaultdict(bool, check=False),
        )
        probe.runtest()
        printed = "".join(o.get("text", "") for o in probe.test_outputs)
        path = Path(str(self.parent.path))
        language = "zh" if path.parent.name == "zh" else "en"
        check_after_run_all(path.name, language, outputs, json.loads(printed))

    def reportinfo(self):
        return self.path, None, f"{self.parent.name}: after run all"


def pytest_collection_modifyitems(session: pytest.Session, items: list[pytest.Item]) -> None:
    """After the last cell of every notebook nbval collected, its "after run all" item."""
    from nbval.plugin import IPyNbCell, IPyNbFile

    cells: dict[IPyNbFile, list] = {}
    for item in items:
        if isinstance(item, IPyNbCell) and isinstance(item.parent, IPyNbFile):
            cells.setdefault(item.parent, []).append(item)
    for notebook, its_cells in cells.items():
        if not Path(str(notebook.path)).name[:1].isdigit():
            continue
        check = AfterRunAll.from_parent(notebook, name="after run all", cells=its_cells)
        items.insert(items.index(its_cells[-1]) + 1, check)
