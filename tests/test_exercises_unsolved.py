"""After "Run all cells" every exercise still waits for the trainee.

The notebooks themselves are checked where nbval runs them (tests/after_run_all.py adds an
"after run all" item to each); here, that an empty answer reads "not answered yet", and that
the HTML-as-text check can fail."""

from __future__ import annotations

import nbformat
import pytest
from after_run_all import TAG, check_after_run_all, shown_as_text

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


def test_html_printed_as_text_is_caught():
    printed = nbformat.v4.new_output("stream", text="<span style='color:#b00'>x</span>")
    assert shown_as_text([printed]) and TAG.search(shown_as_text([printed])[0])
    shown = nbformat.v4.new_output(
        "display_data", data={"text/html": "<td>1</td>", "text/plain": "<td>"}
    )
    assert not shown_as_text([shown])
    assert TAG.search(shown_as_text([], ["<b>a label</b>"])[0])  # a text widget's value


def _said(text: str) -> list:
    return [nbformat.v4.new_output("stream", text=text)]


def test_the_after_run_all_check_fails_on_an_answered_or_missing_exercise():
    waiting = "… not answered yet: run the cell with your answer\n"
    check_after_run_all("02_segmentation.ipynb", "en", _said(waiting * 2), [])
    with pytest.raises(AssertionError, match="1 exercises say"):
        check_after_run_all("02_segmentation.ipynb", "en", _said(waiting), [])
    with pytest.raises(AssertionError, match="answered for the trainee"):
        check_after_run_all("02_segmentation.ipynb", "en", _said(waiting * 2 + "✔ right"), [])
    with pytest.raises(AssertionError, match="HTML as text"):
        check_after_run_all("00_start_here.ipynb", "en", _said("<table>"), [])
