"""`python -m sim compare`: a real run, and bad input exiting 2 without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.experiments.command import UsageError, parse_variant_args

ROOT = Path(__file__).resolve().parents[1]
COFFEE = str(ROOT / "scenarios/coffee_chain.yaml")
SMALL = ["--customers", "200", "--days", "60", "--replications", "2", "--quiet", "--workers", "1"]


@pytest.fixture
def more(tmp_path) -> Path:
    f = tmp_path / "more.yaml"
    f.write_text("population:\n  acquisitions_per_day: 12\n", encoding="utf-8")
    return f


def test_compare_writes_report_and_runs(tmp_path, more, capsys):
    report = tmp_path / "r.html"
    out = tmp_path / "runs"
    code = main(
        [
            "compare",
            COFFEE,
            "--variant",
            f"more={more}",
            "--report",
            str(report),
            "--out",
            str(out),
            "--seed",
            "3",
            *SMALL,
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "more" in text and "revenue" in text and "2 replications" in text
    assert report.is_file() and "more" in report.read_text(encoding="utf-8")
    assert len(list(out.glob("*/rep-*.json"))) == 4


def test_parse_variant_args():
    assert parse_variant_args(["a=x.yaml", "b = y.yaml"]) == {
        "a": Path("x.yaml"),
        "b": Path("y.yaml"),
    }
    for bad in (["nofile"], ["=x.yaml"], ["a="], ["a=x", "a=y"], ["baseline=x.yaml"]):
        with pytest.raises(UsageError):
            parse_variant_args(bad)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--variant", "oops"], "expected NAME=FILE"),
        (["--variant", "a=nowhere/missing.yaml"], "missing.yaml"),
        (["--variant", "a={bad}"], "population.dropout.a"),
        (["--variant", "a={more}", "--replications", "1"], "at least 2"),
        (["--variant", "a={more}", "--report", "no/such/dir/r.html"], "no folder"),
        (["--variant", "a={more}", "--days", "0"], "--days"),
        (["--variant", "a={more}", "--workers", "2", "--scheduler", "tcp://x:1"], "give one"),
    ],
)
def test_bad_input_exits_2_with_a_short_message(tmp_path, more, capsys, args, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text("population:\n  dropout: {a: -1, b: 2}\n", encoding="utf-8")
    args = [a.format(bad=bad, more=more) for a in args]
    code = main(["compare", COFFEE, *args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err and len(err.splitlines()) < 25


def test_invalid_variant_names_file_and_line_through_the_real_command(tmp_path):
    bad = tmp_path / "bad_variant.yaml"
    bad.write_text("loyalty: null\npopulation:\n  acquisitions_per_day: -3\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "compare", COFFEE, "--variant", f"v={bad}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert f"{bad}:3" in proc.stderr and "population.acquisitions_per_day" in proc.stderr
    assert "Traceback" not in proc.stderr
