"""argparse's own words on our commands (sim/argwords.py): "usage:", "options", "error:",
"the following arguments are required" ... in Chinese under --lang zh, English otherwise,
and no trace left on argparse once a command has returned (the commands run in-process).
"""

from __future__ import annotations

import argparse
import gettext
import re

import pytest

from sim.argwords import display_width
from sim.cli import main
from sim.golden30.__main__ import main as golden30_main
from sim.i18n import using

COMMANDS = [
    [],
    ["run"],
    ["validate"],
    ["schema"],
    ["roleplay"],
    ["roleplay", "lint"],
    ["roleplay", "play"],
    ["roleplay", "cards"],
    ["compare"],
    ["tournament"],
]
ENGLISH_WORDS = re.compile(
    r"usage:|positional arguments|\boptions\b|show this help|error:|required|unrecognized"
    r"|invalid|ambiguous|expected"
)


def exits(capsys, argv: list[str], command=main) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a command that argparse ends with SystemExit."""
    with pytest.raises(SystemExit) as stop:
        command(argv)
    out = capsys.readouterr()
    return stop.value.code, out.out, out.err


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_the_help_of_every_command_is_in_chinese(capsys, command):
    code, out, _err = exits(capsys, ["--lang", "zh", *command, "--help"])
    assert code == 0
    assert out.startswith("用法：python -m sim")
    assert "选项:" in out and "显示本帮助信息后退出" in out
    assert not ENGLISH_WORDS.search(out), out


def test_golden30_help_is_in_chinese_too(capsys):
    code, out, _err = exits(capsys, ["--lang", "zh", "--help"], golden30_main)
    assert code == 0 and out.startswith("用法：python -m sim.golden30")
    assert not ENGLISH_WORDS.search(out), out


@pytest.mark.parametrize(
    ("argv", "chinese"),
    [
        (["run"], "python -m sim run：出错：缺少必填参数：scenario, --out"),
        (["bogus"], "参数 command：'bogus' 不是可选项（可选：'run', 'validate'"),
        (["validate", "x.yaml", "--zzz"], "python -m sim：出错：无法识别的参数：--zzz"),
        (["run", "x.yaml", "--out", "o", "--days", "abc"], "参数 --days：'abc' 不是有效的整数值"),
        (
            ["run", "x.yaml", "--out", "o", "--c", "5"],
            "选项 --c 不明确，可能是 --customers, --csv-only",
        ),
        (["run", "x.yaml", "--out"], "参数 --out：应为一个参数值"),
        (
            ["run", "x.yaml", "--out", "o", "--force=yes"],
            "参数 --force：这个选项不带值，多给的 'yes'",
        ),
        (
            ["tournament", "w.yaml", "t/", "--round", "final"],
            "'final' 不是可选项（可选：'practice'",
        ),
        (["roleplay", "lint"], "python -m sim roleplay lint：出错：缺少必填参数：files"),
    ],
)
def test_a_usage_error_is_in_chinese(capsys, argv, chinese):
    code, out, err = exits(capsys, ["--lang", "zh", *argv])
    assert code == 2 and out == ""
    assert err.startswith("用法：") and chinese in err, err
    assert not ENGLISH_WORDS.search(err), err


def test_the_same_errors_stay_english_in_english(capsys):
    code, _out, err = exits(capsys, ["--lang", "en", "run"])
    assert code == 2
    assert err.startswith("usage: python -m sim run")
    assert "python -m sim run: error: the following arguments are required: scenario, --out" in err
    code, _out, err = exits(capsys, ["--lang", "en", "run", "x.yaml", "--out", "o", "--seed", "x"])
    assert "argument --seed: invalid whole number value: 'x'" in err
    code, out, _err = exits(capsys, ["--lang", "en", "run", "--help"])
    assert "positional arguments:" in out and "show this help message and exit" in out
    assert not re.search(r"[\u4e00-\u9fff]", out)


def test_wrapped_usage_lines_sit_under_the_first_one_in_chinese(capsys):
    _code, out, _err = exits(capsys, ["--lang", "zh", "run", "--help"])
    first, second = out.splitlines()[:2]
    assert display_width("用法：python -m sim run ") == 24
    assert second.startswith(" " * 24 + "[") and first.startswith("用法：python -m sim run [-h]")


def test_argparse_is_as_before_once_a_chinese_command_returns(capsys):
    exits(capsys, ["--lang", "zh", "run", "--help"])
    exits(capsys, ["--lang", "zh", "run"])
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext
    with using("zh"):  # even while Chinese is in use, another program's parser is untouched
        plain = argparse.ArgumentParser(prog="other")
        plain.add_argument("needed")
        text = plain.format_help()
        with pytest.raises(SystemExit):
            plain.parse_args([])
    assert text.startswith("usage: other [-h] needed")
    assert "positional arguments:" in text and "show this help message and exit" in text
    err = capsys.readouterr().err
    assert "other: error: the following arguments are required: needed" in err
