"""Every English notebook has a Chinese twin in notebooks/zh/ with the same code (issue 14):
the drift check of tools/zh_notebooks.py on the real notebooks, and on small made-up ones
where the answer is known."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from tools import zh_notebooks as zn

NOTEBOOKS = zn.NOTEBOOKS
ENGLISH = [en for en, _ in zn.pairs()]


@pytest.mark.parametrize("en", [pytest.param(p, id=p.name) for p in ENGLISH])
def test_every_english_notebook_has_a_chinese_twin(en):
    assert (NOTEBOOKS / "zh" / en.name).exists(), f"notebooks/zh/{en.name} is missing"


def test_no_twin_without_an_english_notebook():
    orphans = [p for p in zn.missing_twins() if "no English notebook" in p]
    assert not orphans, orphans


@pytest.mark.parametrize(
    ("en", "zh"),
    [(en, zh) for en, zh in zn.pairs() if zh.exists()],
    ids=[en.name for en, zh in zn.pairs() if zh.exists()],
)
def test_the_twin_has_the_english_code_and_chinese_prose(en, zh):
    drifts = zn.code_drift(en, zh) + zn.untranslated(zh)
    assert not drifts, "\n".join(map(str, drifts)) + "\n(python -m tools.zh_notebooks sync)"


# --- the check itself, on made-up notebooks -------------------------------------------------

EN_FIRST = 'import sim\nfrom sim import datasets\n\nN = 15\nprint(f"{N:,} customers, day {N}")'
ZH_FIRST = (
    'import sim\nfrom sim import datasets\n\nsim.set_language("zh")\nN = 15\n'
    'print(f"第 {N} 天，共 {N:,} 位客户")'
)
EN_SECOND = '# the top customers\nshare = top(N, 0.2)\nprint("share:", share)'
ZH_SECOND = '# 头部客户\nshare = top(N, 0.2)\nprint("占比：", share)'


def notebook(*cells: tuple[str, str]) -> dict:
    nb = nbformat.v4.new_notebook()
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    nb.cells = [make[kind](source) for kind, source in cells]
    return nb


def english(second: str = EN_SECOND) -> dict:
    return notebook(("markdown", "# Start"), ("code", EN_FIRST), ("code", second))


def chinese(first: str = ZH_FIRST, second: str = ZH_SECOND) -> dict:
    return notebook(("markdown", "# 开始"), ("code", first), ("code", second))


def test_translated_strings_comments_and_the_language_line_are_not_drift():
    assert zn.code_drift(english(), chinese(), name="zh/x.ipynb") == []


def test_a_changed_number_is_caught_naming_notebook_cell_line_and_token():
    drifts = zn.code_drift(english(), chinese(second=ZH_SECOND.replace("0.2", "0.3")), "zh/x")
    assert [str(d) for d in drifts] == [
        "zh/x, cell 3, line 2: expected NUMBER '0.2' (English line 2), found NUMBER '0.3'"
    ]


def test_a_changed_name_or_an_english_string_changed_is_caught():
    renamed = zn.code_drift(english(), chinese(second=ZH_SECOND.replace("top(", "head(")))
    assert len(renamed) == 1 and "expected NAME 'top'" in renamed[0].message
    # a string without Chinese is code (a key, a file name): it must stay as in English
    keyed = zn.code_drift(english('t = load("orders")'), chinese(second='t = load("order")'))
    assert len(keyed) == 1 and "expected STRING '\"orders\"'" in keyed[0].message


def test_a_translated_f_string_keeps_every_field():
    lost = ZH_FIRST.replace("共 {N:,} 位", "共 {N} 位")
    drifts = zn.code_drift(english(), chinese(first=lost))
    assert len(drifts) == 1 and drifts[0].cell == 2 and drifts[0].line == 6


def test_the_language_line_is_required_once_and_import_sim_only_where_english_lacks_it():
    missing = zn.code_drift(
        english(), chinese(first=ZH_FIRST.replace('sim.set_language("zh")\n', ""))
    )
    assert ["must set the language" in d.message for d in missing] == [True]
    twice = ZH_FIRST.replace("N = 15", 'sim.set_language("zh")\nN = 15')
    assert "appears 2 times" in zn.code_drift(english(), chinese(first=twice))[0].message
    # English without `import sim` (notebook 01): the twin may add it for the language line
    en = notebook(("code", "from sim import crm\n\nx = crm.f()"))
    zh = notebook(
        ("code", 'import sim\nfrom sim import crm\n\nsim.set_language("zh")\nx = crm.f()')
    )
    assert zn.code_drift(en, zh) == []
    both = notebook(("code", 'import sim\nimport sim\n\nsim.set_language("zh")\nx = 1'))
    assert zn.code_drift(notebook(("code", "import sim\n\nx = 1")), both)


def test_a_trailing_comma_ruff_adds_when_a_longer_string_splits_a_call_is_not_drift():
    en = english('print("share:", share)')
    zh = chinese(second='print(\n    "头部客户的营收占比（按最近一年计）：",\n    share,\n)')
    assert zn.code_drift(en, zh) == []


def test_cells_out_of_step_are_reported_at_the_first_difference():
    zh = chinese()
    zh.cells.insert(2, nbformat.v4.new_markdown_cell("多出来的说明"))
    (drift,) = zn.code_drift(english(), zh, "zh/x")
    assert drift.cell == 3 and "English has 3 cells, zh 4" in drift.message


def test_with_language_line_gives_a_first_cell_the_check_accepts():
    for source in (EN_FIRST, "from sim import crm\n\nx = crm.f()", "import os\n\nx = 1"):
        zh = zn.with_language_line(source)
        en_nb, zh_nb = notebook(("code", source)), notebook(("code", zh))
        assert zn.code_drift(en_nb, zh_nb) == [], zh
        assert zh.count(zn.LANGUAGE_LINE) == 1
    assert zn.with_language_line(EN_FIRST).split("\n")[:4] == [
        "import sim",
        "from sim import datasets",
        "",
        'sim.set_language("zh")',
    ]


def write(path: Path, nb: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.from_dict(nb), path)
    return path


def test_sync_copies_drifted_code_keeps_matching_translations_and_markdown(tmp_path):
    en = write(tmp_path / "01_x.ipynb", english(EN_SECOND.replace("0.2", "0.25")))
    zh = write(tmp_path / "zh" / "01_x.ipynb", chinese())
    assert zn.main(["check", "--root", str(tmp_path)]) == 1
    changes = zn.sync(tmp_path)
    assert changes == ["zh/01_x.ipynb, cell 3: English code copied in (it had drifted)"]
    cells = json.loads(zh.read_text(encoding="utf-8"))["cells"]
    assert "".join(cells[0]["source"]) == "# 开始"  # markdown untouched
    assert "".join(cells[1]["source"]) == ZH_FIRST  # still in step: translation kept
    assert "".join(cells[2]["source"]) == "".join(
        english(EN_SECOND.replace("0.2", "0.25")).cells[2].source
    )
    assert zn.code_drift(en, zh) == [] and zn.sync(tmp_path) == []
    assert zn.main(["check", "--root", str(tmp_path)]) == 0


def test_sync_follows_an_english_code_cell_added_or_removed(tmp_path):
    en_nb = english()
    en_nb.cells.insert(2, nbformat.v4.new_code_cell("extra = 1"))
    write(tmp_path / "02_x.ipynb", en_nb)
    zh = write(tmp_path / "zh" / "02_x.ipynb", chinese())
    zn.sync(tmp_path)
    sources = ["".join(c["source"]) for c in json.loads(zh.read_text())["cells"]]
    assert sources == ["# 开始", ZH_FIRST, "extra = 1", ZH_SECOND]
    en_nb.cells.pop(2)
    en_nb.cells.pop(2)  # English lost its last code cell
    write(tmp_path / "02_x.ipynb", en_nb)
    zn.sync(tmp_path)
    sources = ["".join(c["source"]) for c in json.loads(zh.read_text())["cells"]]
    assert sources == ["# 开始", ZH_FIRST]


def test_a_missing_twin_and_an_orphan_are_reported(tmp_path):
    write(tmp_path / "01_x.ipynb", english())
    write(tmp_path / "zh" / "09_gone.ipynb", chinese())
    problems = zn.missing_twins(tmp_path)
    assert len(problems) == 2
    assert problems[0].startswith("zh/01_x.ipynb: missing")
    assert problems[1].startswith("zh/09_gone.ipynb: no English notebook")


def test_new_starts_a_twin_the_check_lists_until_its_markdown_is_chinese(tmp_path):
    write(tmp_path / "01_x.ipynb", english())
    assert zn.main(["new", "01_x.ipynb", "--root", str(tmp_path)]) == 0
    zh = tmp_path / "zh" / "01_x.ipynb"
    assert zn.code_drift(tmp_path / "01_x.ipynb", zh) == []
    assert [str(d) for d in zn.untranslated(zh)] == [
        "zh/01_x.ipynb, cell 1: markdown still in English: translate it"
    ]
    assert zn.main(["new", "01_x.ipynb", "--root", str(tmp_path)]) == 2  # never overwrites
