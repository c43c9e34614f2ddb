"""The Chinese documents keep up with the English ones (issue 14, part 3).

Each English document has a zh twin that links back; the zh README names every command the
English one names; the zh facilitator guide has the same agendas and links only to files that
exist; the zh documents use the glossary's terms wherever the English uses the English term.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.test_i18n import glossary, missing_terms

ROOT = Path(__file__).resolve().parents[1]

# English document -> its Chinese twin (paths from the repository root)
# The glossary's (sim/locale/GLOSSARY.md) terms of the trade, which a Chinese document must
# use wherever its English twin uses the English term; the error layer's words (file, line,
# field, value, ...) are left to the catalogue's check.
DOC_TERMS = {
    "客户细分", "客户价值评估", "金字塔模型", "动态标签", "流失预警", "流失", "挽回",
    "客户忠诚计划", "积分", "会员等级", "净推荐值", "48 小时响应承诺", "72 小时二次回访",
    "协议客户", "合同履行监控", "客户生命周期", "情景模拟培训", "情景模拟", "突发变量",
    "黄金30分钟", "参考答案", "排行榜", "复盘", "场景", "客户", "订单", "营收", "随机种子",
    "方案", "重复运行", "培训师", "团队", "品类", "触达规则", "渠道", "严重程度",
}  # fmt: skip

TWINS = {
    "README.md": "README.zh-CN.md",
    "notebooks/FACILITATOR.md": "notebooks/zh/FACILITATOR.md",
    "datasets/README.md": "datasets/README.zh-CN.md",
}

FENCE = re.compile(r"^[ \t]*```.*?^[ \t]*```", re.S | re.M)  # indented in a list too
INLINE = re.compile(r"`([^`]+)`")  # a code span may wrap onto the next line
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")


def read(rel: str) -> str:
    return (ROOT / rel).read_text(encoding="utf-8")


def code_of(text: str) -> str:
    """The fenced blocks and inline code spans of a Markdown text, one per line."""
    return "\n".join(FENCE.findall(text) + INLINE.findall(FENCE.sub("", text)))


def spans(text: str) -> set[str]:
    """The inline code spans of a Markdown text (outside its fenced blocks), whitespace
    normalised: the names a translation keeps as they are."""
    return {" ".join(span.split()) for span in INLINE.findall(FENCE.sub("", text))}


def prose_of(text: str) -> str:
    """A Markdown text without its code (field names and commands stay as written)."""
    return INLINE.sub(" ", FENCE.sub(" ", text))


def commands(text: str) -> set[str]:
    """The `make` targets (with their variables) and `python -m sim` commands a Markdown
    text names in its code: {'make lab', 'make lab SIM_LANG=zh', 'python -m sim roleplay
    play', 'python -m sim.golden30', ...}."""
    code = code_of(text)
    found = {
        "make " + m.group(1).strip()
        for m in re.finditer(r"(?<![\w-])make ((?:[a-z][\w-]*)(?: [A-Z_]+=\S+)*)", code)
    }
    for m in re.finditer(r"python -m (sim[\w.]*)((?: [a-z][a-z0-9_]*(?=[\s`\\]|$)){0,2})", code):
        words = m.group(2).split()
        keep = words[:2] if words[:1] == ["roleplay"] else words[:1]
        found.add(" ".join(["python -m", m.group(1), *keep]))
    return found


def without_language(found: set[str]) -> set[str]:
    """Commands as the English names them: a zh document may add SIM_LANG=zh to a target."""
    return {c.replace(" SIM_LANG=zh", "") for c in found}


def test_the_command_finder_reads_make_targets_and_sim_commands():
    text = (
        "Run `make lab SIM_LANG=zh`, then\n```sh\nmake test   # all\n"
        ".venv/bin/python -m sim roleplay play scenarios/roleplay/x.yaml --lang zh\n"
        "python -m sim tournament scenarios/coffee_chain.yaml dir/ \\\n```\n"
        "`python -m sim.golden30 --seed 7` and `python -m sim schema > x.json`; make the tea."
    )
    assert commands(text) == {
        "make lab SIM_LANG=zh",
        "make test",
        "python -m sim roleplay play",
        "python -m sim tournament",
        "python -m sim.golden30",
        "python -m sim schema",
    }


# ------------------------------------------------------------------ twins and links


@pytest.mark.parametrize(("english", "chinese"), TWINS.items())
def test_every_english_document_has_a_chinese_twin_and_they_link_each_other(english, chinese):
    assert (ROOT / chinese).is_file(), f"{english} has no Chinese twin {chinese}"
    en_first, zh_first = read(english).splitlines()[0], read(chinese).splitlines()[0]
    to_zh = Path(os.path.relpath(chinese, Path(english).parent)).as_posix()
    to_en = Path(os.path.relpath(english, Path(chinese).parent)).as_posix()
    assert f"]({to_zh})" in en_first and "中文版" in en_first, (english, en_first)
    assert f"]({to_en})" in zh_first and "English" in zh_first, (chinese, zh_first)


def link_targets(rel: str) -> list[Path]:
    """The local files a Markdown document links to, resolved from its folder."""
    folder = (ROOT / rel).parent
    return [
        (folder / target.split("#")[0]).resolve()
        for target in LINK.findall(read(rel))
        if not re.match(r"[a-z]+:", target) and not target.startswith("#")
    ]


def missing_links(rel: str) -> list[str]:
    """The links of `rel` to files that do not exist. A zh notebook (notebooks/zh/NN_*.ipynb)
    is built on another branch: until notebooks/zh/ holds any notebook, the English notebook
    of the same name must exist instead; from then on the zh notebook itself."""
    zh_dir = ROOT / "notebooks" / "zh"
    zh_notebooks_exist = any(zh_dir.glob("*.ipynb"))
    missing = []
    for target in link_targets(rel):
        found = target.exists()
        if not found and target.parent == zh_dir and target.suffix == ".ipynb":
            found = not zh_notebooks_exist and (ROOT / "notebooks" / target.name).is_file()
        if not found:
            missing.append(target.relative_to(ROOT).as_posix())
    return missing


@pytest.mark.parametrize("document", [*TWINS, *TWINS.values()])
def test_documents_link_only_to_files_that_exist(document):
    assert link_targets(document)
    assert not missing_links(document), (document, missing_links(document))


# ------------------------------------------------------------------------ the README


def test_the_chinese_readme_names_every_command_of_the_english_one():
    english = without_language(commands(read("README.md")))
    chinese = without_language(commands(read("README.zh-CN.md")))
    assert {"make lab", "make test", "make app", "python -m sim run"} <= english
    assert not english - chinese, sorted(english - chinese)


def test_the_readmes_say_how_to_choose_chinese():
    for rel in ("README.md", "README.zh-CN.md"):
        code = code_of(read(rel))
        for setting in ("make lab SIM_LANG=zh", "make app SIM_LANG=zh", "--lang zh"):
            assert setting in code, (rel, setting)
        assert 'sim.set_language("zh")' in code, rel
        assert "notebooks/zh/" in code, rel


# ------------------------------------------------------------- the facilitator guide


def tables(text: str) -> list[list[list[str]]]:
    """The Markdown tables of a text: rows of cells, header first, separator row dropped."""
    found, rows = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                rows.append(cells)
        elif rows:
            found.append(rows)
            rows = []
    return found


def agendas(text: str) -> list[list[tuple[int, int]]]:
    """(start minute, minutes) per block of each agenda table (a table with a start and a
    minutes column: 'start'/'开始' and 'minutes'/'分钟')."""
    found = []
    for rows in tables(text):
        header = rows[0]
        start = next((i for i, c in enumerate(header) if c in ("start", "开始")), None)
        minutes = next((i for i, c in enumerate(header) if c in ("minutes", "分钟")), None)
        if start is None or minutes is None:
            continue
        blocks = []
        for row in rows[1:]:
            hours, mins = row[start].split(":")
            blocks.append((int(hours) * 60 + int(mins), int(row[minutes])))
        found.append(blocks)
    return found


def test_the_agenda_reader_sees_a_gap():
    text = "| start | block | minutes |\n|---|---|---|\n| 0:00 | a | 20 |\n| 0:25 | b | 10 |\n"
    assert agendas(text) == [[(0, 20), (25, 10)]]
    assert agendas(text.replace("minutes", "mins")) == []


def test_the_chinese_facilitator_guide_has_the_same_agendas():
    english = agendas(read("notebooks/FACILITATOR.md"))
    chinese = agendas(read("notebooks/zh/FACILITATOR.md"))
    assert len(english) == 2  # the half-day and the full-day agenda
    assert [sum(m for _s, m in a) for a in chinese] == [sum(m for _s, m in a) for a in english]
    assert chinese == english
    for agenda in chinese:  # each block starts when the one before it ends
        for (start, minutes), (next_start, _m) in zip(agenda, agenda[1:], strict=False):
            assert start + minutes == next_start, (start, minutes, next_start)


def test_the_chinese_facilitator_guide_has_the_same_times_per_notebook():
    def times(text: str) -> list[str]:
        path = next(r for r in tables(text) if r[0][0] == "#")
        return [row[-1] for row in path[1:]]

    english = times(read("notebooks/FACILITATOR.md"))
    notebooks = list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert len(english) == len(notebooks) + 1  # and the tournament
    assert times(read("notebooks/zh/FACILITATOR.md")) == english


def test_the_chinese_facilitator_guide_links_each_zh_notebook():
    linked = {t.name for t in link_targets("notebooks/zh/FACILITATOR.md") if t.suffix == ".ipynb"}
    english = {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert english and linked == english, english ^ linked
    for target in link_targets("notebooks/zh/FACILITATOR.md"):
        if target.suffix == ".ipynb":
            assert target.parent == ROOT / "notebooks" / "zh", target


def test_the_chinese_facilitator_guide_names_every_command_of_the_english_one():
    english = without_language(commands(read("notebooks/FACILITATOR.md")))
    chinese = without_language(commands(read("notebooks/zh/FACILITATOR.md")))
    assert {"make lab", "make app", "python -m sim tournament"} <= english
    assert not english - chinese, sorted(english - chinese)


# ------------------------------------------------------------------- the datasets README


def test_the_chinese_datasets_readme_keeps_every_table_and_column_name():
    """Column names stay as they are; only their meanings are Chinese."""
    english, chinese = read("datasets/README.md"), read("datasets/README.zh-CN.md")
    headings = set(re.findall(r"^### (\w+)$", english, re.M))
    assert {"customers", "orders", "daily", "tickets"} <= headings
    assert headings == set(re.findall(r"^### (\w+)$", chinese, re.M))
    names, kept = spans(english), spans(chinese)
    assert "true_dropout_prob" in names
    assert not names - kept, sorted(names - kept)


# ----------------------------------------------------------------------- the glossary


def doc_terms() -> list[tuple[list[str], str]]:
    terms = [(english, chinese) for english, chinese in glossary() if chinese in DOC_TERMS]
    assert {chinese for _e, chinese in terms} == DOC_TERMS  # each is a row of the glossary
    return terms


@pytest.mark.parametrize(("english", "chinese"), TWINS.items())
def test_the_chinese_documents_use_the_glossary_terms(english, chinese):
    missing = missing_terms(prose_of(read(english)), prose_of(read(chinese)), doc_terms())
    assert not missing, (chinese, missing)


def test_the_document_glossary_check_sees_a_wrong_term():
    english = "Run a churn warning, then a win-back offer, within the 48-hour response promise."
    good = "先做流失预警，再发挽回优惠，守住 48 小时响应承诺。"
    assert missing_terms(english, good, doc_terms()) == []
    assert missing_terms(english, good.replace("挽回", "召回"), doc_terms()) == ["win-back -> 挽回"]


# ------------------------------------------------------- the scenarios' teaching comments

SCENARIO_FILES = sorted(
    p.relative_to(ROOT).as_posix()
    for pattern in (
        "scenarios/*.yaml",
        "scenarios/variants/*.yaml",
        "scenarios/tournament/*.yaml",
        "scenarios/tournament/submissions/*.yaml",
    )
    for p in ROOT.glob(pattern)
)
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")  # characters, punctuation


def comment_kind(text: str) -> str:
    """'zh' for a Chinese comment line, 'en' for an English one, '' for a command or
    nothing. Commands, code spans, paths and options do not count, nor do Chinese words in
    ASCII parentheses: 'Coffee chain (咖啡连锁): ...' is English."""
    if re.match(r"\s*(python -m |--?\w)", text):
        return ""
    text = re.sub(r"`[^`]*`|python -m .*$|\([^()]*\)", " ", text)
    text = " ".join(w for w in text.split() if not re.search(r"[/=]|^-", w))
    cjk, latin = len(CJK.findall(text)), len(re.findall(r"[A-Za-z]+", text))
    if cjk >= 2 and cjk >= latin:
        return "zh"
    return "en" if latin else ""


def untranslated_comments(text: str) -> list[int]:
    """Lines of English comments with no Chinese comment beside them: an English run of
    comment lines must be followed by a Chinese run in the same paragraph (consecutive
    comment lines at one column; a bare '#', a line of YAML or a comment after a value
    starts a new one), and a Chinese run must follow an English one."""
    paragraphs: list[list[tuple[int, str]]] = []
    column = None
    for number, line in enumerate(text.splitlines(), 1):
        at = line.find("#")
        while at > 0 and not line[at - 1].isspace():
            at = line.find("#", at + 1)
        before, comment = (line[:at], line[at + 1 :]) if at >= 0 else (line, "")
        if at < 0 or not comment.strip() or before.strip() or at != column:
            paragraphs.append([])
        column = at if at >= 0 and comment.strip() else None
        if column is not None:
            paragraphs[-1].append((number, comment_kind(comment)))
    bad = []
    for paragraph in paragraphs:
        runs = []  # (kind, first line) of each run of lines of one language
        for number, kind in paragraph:
            if kind and (not runs or runs[-1][0] != kind):
                runs.append((kind, number))
        for i, (kind, number) in enumerate(runs):
            if kind == "en" and (i + 1 == len(runs) or runs[i + 1][0] != "zh"):
                bad.append(number)
            if kind == "zh" and (i == 0 or runs[i - 1][0] != "en"):
                bad.append(number)
    return bad


def test_the_comment_check_sees_a_missing_translation():
    good = (
        "# A coffee chain (咖啡连锁).\n# 咖啡连锁。\n#\n# Check:  python -m sim validate x.yaml\n"
        "# 检查：  python -m sim validate x.yaml\nseed: 7   # the seed\n          # 随机种子\n"
    )
    assert untranslated_comments(good) == []
    assert untranslated_comments(good.replace("# 随机种子\n", "")) == [6]
    assert untranslated_comments(good.replace("# A coffee chain (咖啡连锁).\n", "")) == [1]
    assert untranslated_comments("a: 1  # one\nb: 2  # 二是二\n") == [1, 2]


@pytest.mark.parametrize("rel", SCENARIO_FILES)
def test_every_teaching_comment_of_a_shipped_scenario_is_in_both_languages(rel):
    assert not untranslated_comments(read(rel)), (rel, untranslated_comments(read(rel)))


def test_the_scenario_files_checked_are_the_shipped_ones():
    teams = ("steady_brew", "points_galore", "coupon_storm")  # the shipped team files too
    shipped = {"scenarios/coffee_chain.yaml", "scenarios/tournament/trainer.yaml"}
    shipped |= {f"scenarios/tournament/submissions/{team}.yaml" for team in teams}
    assert shipped <= set(SCENARIO_FILES)
    assert len(SCENARIO_FILES) >= 13
