"""After "Run all cells" every exercise still waits for the trainee: the notebooks are
executed here and their outputs read. (nbval runs them too, but compares no output.)"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def executed_text(name: str) -> str:
    """Every text output of notebook `name` run top to bottom, as one string."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=180, resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", ""))
            texts.append(str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


@pytest.fixture(scope="module")
def golden30_text() -> str:
    return executed_text("08_golden_30_minutes.ipynb")


def test_the_golden_30_test_waits_for_the_trainee(golden30_text):
    assert golden30_text.count("not answered yet") == 3  # the three task checks
    assert "handed in after" not in golden30_text and "of 15 points" not in golden30_text
    assert "✔" not in golden30_text  # no answer given, so none is right yet
