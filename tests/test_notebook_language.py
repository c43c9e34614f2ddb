"""A notebook's code never fixes the language: its zh twin runs the same code after
sim.set_language("zh"), so a literal `lang="en"` or `LANG = "en"` would keep the twin in
English (notebook 04's role-play did). Pass sim.language_in_use() (or nothing) instead."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(ROOT.glob("*.ipynb")) + sorted(ROOT.glob("zh/*.ipynb"))
LANGUAGE_NAMES = {"lang", "language"}


def fixed_languages(source: str) -> list[tuple[int, str]]:
    """(line, what) for each place `source` sets a language to a literal: a `lang=`/
    `language=` keyword, or an assignment to a name LANG/lang/language, given a string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg in LANGUAGE_NAMES:
            value, what = node.value, f"{node.arg}="
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id.lower() in LANGUAGE_NAMES for t in node.targets
        ):
            value, what = node.value, f"{ast.unparse(node.targets[0])} ="
        else:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found.append((node.lineno, f"{what} {value.value!r}"))
    return found


def test_a_literal_language_is_found():
    cell = 'LANG = "en"\nplayer = Player(script, lang="zh", seed=4)\nok = f(lang=LANG)'
    assert fixed_languages(cell) == [(1, "LANG = 'en'"), (2, "lang= 'zh'")]
    assert fixed_languages("LANG = sim.language_in_use()\nPlayer(script, lang=LANG)") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_notebook_code_follows_the_language_setting(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = [
        f"{path.relative_to(ROOT)} cell {i + 1} line {line}: {what}"
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code"
        for line, what in fixed_languages("".join(cell["source"]))
    ]
    assert not problems, (
        "the language is fixed in code, so the zh twin cannot follow sim.set_language: "
        + "; ".join(problems)
        + " (use sim.language_in_use())"
    )
