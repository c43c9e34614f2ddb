"""The message catalogue and the language setting (sim/i18n.py, sim/locale/).

Every msgid marked in sim/ (with _() or N_()) has a Chinese translation with the same
placeholders, the Chinese uses the glossary's terms, one setting chooses the language in
the documented order, and the command line speaks Chinese end to end.
"""

from __future__ import annotations

import re
import string
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from sim import i18n
from sim.i18n import _, set_language, using

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "sim" / "locale" / "zh" / "LC_MESSAGES" / "sim.po"
GLOSSARY = ROOT / "sim" / "locale" / "GLOSSARY.md"


def marked_msgids() -> dict[str, str]:
    """msgid -> the file marking it, extracted with Babel as `make messages` does."""
    found = {}
    keywords = {"_": None, "N_": None}
    for name, _line, msgid, _comments, _context in extract_from_dir(
        str(ROOT / "sim"), method_map=[("**.py", "python")], keywords=keywords
    ):
        if isinstance(msgid, str):
            found.setdefault(msgid, name)
    return found


def po_entries() -> dict[str, str]:
    """msgid -> msgstr of the Chinese catalogue, fuzzy entries counted as untranslated."""
    with PO.open("rb") as fh:
        catalogue = read_po(fh, locale="zh")
    return {m.id: ("" if m.fuzzy else m.string) for m in catalogue if m.id}


def placeholders(text: str) -> list[str]:
    """The named fields of a str.format template, with their format specs, sorted; and the
    %-fields of argparse's own messages (sim/argwords.py), sorted too."""
    if PRINTF.search(text) and "{" not in text:
        return sorted(PRINTF.findall(text))
    return sorted(
        f"{name}:{spec}" for _lit, name, spec, _conv in string.Formatter().parse(text) if name
    )


PRINTF = re.compile(r"%(?:\(\w+\))?[srd]")


# ----------------------------------------------------------------- the catalogue


def test_every_marked_message_has_a_chinese_translation():
    marked, po = marked_msgids(), po_entries()
    assert len(marked) > 100  # the CLI and the error layer are marked: extraction works
    missing = {m: where for m, where in marked.items() if not po.get(m, "").strip()}
    assert not missing, (
        "messages without Chinese (run `make messages`, then translate them in "
        f"sim/locale/zh/LC_MESSAGES/sim.po): {missing}"
    )


def test_the_catalogue_holds_no_message_the_code_no_longer_marks():
    stale = sorted(set(po_entries()) - set(marked_msgids()))
    assert not stale, f"run `make messages` to drop these from sim.po: {stale}"


def test_placeholders_are_the_same_in_both_languages():
    differ = {
        msgid: (placeholders(msgid), placeholders(zh))
        for msgid, zh in po_entries().items()
        if zh and placeholders(msgid) != placeholders(zh)
    }
    assert not differ, differ


def test_the_placeholder_check_sees_a_renamed_or_dropped_field():
    assert placeholders("{file}: {size:,} bytes") == ["file:", "size:,"]
    assert placeholders("{file}：{size} 字节") != placeholders("{file}: {size:,} bytes")
    assert placeholders("{where}: found") != placeholders("{wher}：实际")
    assert placeholders("%(prog)s: error: %(message)s") == ["%(message)s", "%(prog)s"]
    assert placeholders("%(prog)s：出错：%(message)r") != placeholders("%(prog)s: %(message)s")


def test_a_translation_is_used_and_its_placeholders_filled():
    with using("zh"):
        text = _("{size:,} bytes", size=1234567)
    assert text == "1,234,567 字节"
    with using("en"):
        assert _("{size:,} bytes", size=1234567) == "1,234,567 bytes"
    # a message the catalogue does not hold stays English in either language
    with using("zh"):
        assert _("no such message {x}", x=1) == "no such message 1"


def test_the_catalogue_is_package_data():
    """A non-editable install carries the .po file and the glossary."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["sim"]
    for path in (PO, GLOSSARY):
        rel = path.relative_to(ROOT / "sim").as_posix()
        assert any(fnmatch(rel, p) for p in patterns), (rel, patterns)


# ----------------------------------------------------------- choosing the language


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SIM_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    set_language(None)
    yield monkeypatch
    set_language(None)


def test_english_without_any_setting(clean_env):
    assert i18n.language_in_use() == "en"


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ],
)
def test_a_zh_system_locale_chooses_chinese(clean_env, variables, expected):
    for name, value in variables.items():
        clean_env.setenv(name, value)
    assert i18n.language_in_use() == expected


def test_sim_lang_beats_the_locale_and_set_language_beats_both(clean_env):
    clean_env.setenv("LANG", "zh_CN.UTF-8")
    clean_env.setenv("SIM_LANG", "en")
    assert i18n.language_in_use() == "en"
    clean_env.setenv("SIM_LANG", "zh")
    clean_env.setenv("LANG", "en_US.UTF-8")
    assert i18n.language_in_use() == "zh"
    assert set_language("en") == "en"
    assert i18n.language_in_use() == "en"
    assert set_language(None) == "zh"  # back to SIM_LANG


def test_an_unknown_sim_lang_leaves_the_choice_to_the_locale(clean_env):
    clean_env.setenv("SIM_LANG", "klingon")
    clean_env.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.language_in_use() == "zh"


def test_set_language_refuses_a_language_without_a_catalogue(clean_env):
    with pytest.raises(ValueError, match="expected one of en, zh, found 'fr'"):
        set_language("fr")
    assert set_language("zh_CN") == "zh"


def test_using_restores_the_choice_before(clean_env):
    set_language("en")
    with using("zh") as language:
        assert language == "zh" == i18n.language_in_use()
    assert i18n.language_in_use() == "en"


# ------------------------------------------------------------ the command line


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {"PATH": "/usr/bin:/bin", **env}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environ,
        encoding="utf-8",
    )


@pytest.fixture
def typo_scenario(tmp_path) -> Path:
    text = (ROOT / "scenarios" / "coffee_chain.yaml").read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("horizon_days:"))
    bad = tmp_path / "typo.yaml"
    bad.write_text(text.replace("horizon_days:", "horizon_dayz:", 1), encoding="utf-8")
    bad.with_suffix(".line").write_text(str(line))
    return bad


def test_a_scenario_typo_is_reported_in_chinese(typo_scenario, tmp_path):
    line = typo_scenario.with_suffix(".line").read_text()
    p = cli("run", str(typo_scenario), "--out", str(tmp_path / "out"), SIM_LANG="zh")
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    assert f"{typo_scenario}：这个场景无法使用，发现 1 个问题：" in p.stderr
    # the field as written in the file, its line, the Chinese labels
    assert f"{typo_scenario} 第 {line} 行：horizon_dayz：应为" in p.stderr
    assert "实际为" in p.stderr and "提示：" in p.stderr
    assert "horizon_days" in p.stderr  # the key it probably meant, as the schema spells it
    assert not (tmp_path / "out").exists()


def test_lang_en_overrides_a_chinese_locale(typo_scenario):
    line = typo_scenario.with_suffix(".line").read_text()
    p = cli("validate", str(typo_scenario), "--lang", "en", LANG="zh_CN.UTF-8")
    assert p.returncode == 2
    assert f"{typo_scenario}:{line}: horizon_dayz: expected a known key" in p.stderr
    assert not re.search(r"[\u4e00-\u9fff]", p.stderr), p.stderr


def test_a_chinese_locale_alone_gives_chinese(typo_scenario):
    p = cli("validate", str(typo_scenario), LANG="zh_CN.UTF-8")
    assert p.returncode == 2
    assert "这个场景无法使用" in p.stderr


def test_lang_zh_gives_chinese_help_on_every_command():
    for command in ("run", "validate", "schema", "compare", "tournament", "roleplay"):
        p = cli(command, "--help", "--lang", "zh")
        assert p.returncode == 0, (command, p.stderr)
        assert "帮助和提示信息的语言" in p.stdout, command
    p = cli("roleplay", "play", "--help", "--lang", "zh")
    assert "突发变量的随机种子" in p.stdout


def test_lang_before_the_command_counts_too(typo_scenario):
    p = cli("--lang", "zh", "validate", str(typo_scenario), LANG="en_US.UTF-8")
    assert p.returncode == 2 and "这个场景无法使用" in p.stderr


def test_an_out_of_range_option_in_chinese(tmp_path):
    p = cli(
        "run", "scenarios/coffee_chain.yaml", "--out", str(tmp_path), "--days", "0", SIM_LANG="zh"
    )
    assert p.returncode == 2
    assert p.stderr.strip() == "--days：应为 1 到 3,650 之间的整数，实际为 0"


# ---------------------------------------------------------------------- glossary


def glossary() -> list[tuple[list[str], str]]:
    """([English alternatives], Chinese) per row of sim/locale/GLOSSARY.md."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not line.startswith("|") or cells[0] in ("English", "---"):
            continue
        rows.append(([t.strip() for t in cells[0].split(" / ")], cells[1]))
    return rows


def _words(text: str) -> str:
    """A message as the glossary matches it: no placeholders ({x}, %(x)s), no paths or
    field paths (scenarios/roleplay/*, categories[2]: as in the file), lower case, '-' as ' '."""
    text = re.sub(r"\{[^{}]*\}", " ", text)
    text = PRINTF.sub(" ", text)
    text = re.sub(r"\S*[/\[]\S*", " ", text)
    return text.lower().replace("-", " ")


def missing_terms(msgid: str, zh: str, terms: list[tuple[list[str], str]]) -> list[str]:
    """The glossary terms `msgid` uses whose Chinese `zh` lacks; longer terms first, each
    match masked so that 'answer key' is not also checked as 'key'."""
    text = _words(msgid)
    flat = sorted(
        ((english, chinese) for alternatives, chinese in terms for english in alternatives),
        key=lambda t: -len(t[0]),
    )
    missing = []
    for english, chinese in flat:
        pattern = r"\b" + re.escape(_words(english).strip()) + r"\b"
        if re.search(pattern, text):
            text = re.sub(pattern, "#", text)
            if chinese not in zh:
                missing.append(f"{english} -> {chinese}")
    return missing


def test_the_glossary_holds_the_terms_our_users_search_for():
    chinese = {zh for _en, zh in glossary()}
    for term in ("客户细分", "流失预警", "挽回", "客户忠诚计划", "积分", "净推荐值", "黄金30分钟"):
        assert term in chinese, term
    assert len(glossary()) > 40


def test_the_catalogue_uses_the_glossary_terms():
    terms = glossary()
    wrong = {
        msgid: missing_terms(msgid, zh, terms)
        for msgid, zh in po_entries().items()
        if zh and missing_terms(msgid, zh, terms)
    }
    assert not wrong, wrong


def test_the_glossary_check_sees_a_wrong_term():
    terms = [(["answer key"], "参考答案"), (["key", "keys"], "键"), (["role-play"], "情景模拟")]
    assert missing_terms("a known key", "已定义的键", terms) == []
    assert missing_terms("a known key", "已定义的字段", terms) == ["key -> 键"]
    assert missing_terms("the answer key -> {key}", "参考答案", terms) == []
    assert missing_terms("play a role-play script", "演练角色扮演脚本", terms) == [
        "role-play -> 情景模拟"
    ]


def test_a_loyalty_rule_broken_is_reported_in_chinese_with_field_and_line(tmp_path):
    text = (ROOT / "scenarios" / "coffee_chain.yaml").read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "name: gold, threshold" in t)
    bad = tmp_path / "tiers.yaml"
    bad.write_text(text.replace("threshold: 1500", "threshold: 400", 1), encoding="utf-8")
    p = cli("validate", str(bad), SIM_LANG="zh")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    field = "loyalty.tiers[1].threshold"  # as the file writes it
    assert f"{bad} 第 {line} 行：{field}：应为高于 silver 门槛 500 的值" in p.stderr
    assert "实际为400" in p.stderr.replace(" ", "")
    assert "会员等级列表请按门槛从低到高排列" in p.stderr


def test_an_output_folder_that_is_not_ours_is_refused_in_chinese(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    args = ("run", "scenarios/coffee_chain.yaml", "--out", str(out), "--days", "5")
    p = cli(*args, "--force", SIM_LANG="zh")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert f"--out {out}：这个文件夹不是本工具写的（没有 .customer-workbench 文件）" in p.stderr
    assert "notes.txt" in p.stderr and (out / "notes.txt").read_text() == "keep me"
    english = cli(*args, "--force", SIM_LANG="en")
    assert "this tool did not write that folder" in english.stderr


def test_the_catalogue_reader_agrees_with_babel_on_the_shipped_catalogue():
    """sim.i18n reads the .po with the standard library (a Chinese --help must not wait for
    Babel); Babel's read_po is the reference it must agree with, entry for entry."""
    with PO.open("rb") as fh:
        reference = read_po(fh, locale="zh", domain="sim")
    expected = {m.id: m.string for m in reference if m.id and m.string and not m.fuzzy}
    assert len(expected) > 500
    assert i18n.read_catalogue(PO.read_text(encoding="utf-8")) == expected


def test_the_catalogue_reader_handles_what_a_po_file_may_hold():
    """Escapes, continued lines, fuzzy and obsolete entries, an empty translation, an entry
    without comments: the reader gives what Babel gives."""
    import io

    text = (
        'msgid ""\nmsgstr ""\n"Language: zh\\n"\n\n'
        '#: a.py\n#, fuzzy, python-format\nmsgid "fuzzy one"\nmsgstr "模糊"\n\n'
        'msgid "say \\"hi\\"\\n"\n"then\\\\go"\nmsgstr ""\n"\\t你好"\n'
        'msgid "untranslated"\nmsgstr ""\n\n'
        '#~ msgid "gone"\n#~ msgstr "旧"\n\n'
        '#, python-format\nmsgid "kept"\nmsgstr "保留"\n'
    )
    reference = read_po(io.BytesIO(text.encode("utf-8")), locale="zh")
    expected = {m.id: m.string for m in reference if m.id and m.string and not m.fuzzy}
    assert expected == {'say "hi"\nthen\\go': "\t你好", "kept": "保留"}
    assert i18n.read_catalogue(text) == expected
