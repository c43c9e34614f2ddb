"""`python -m sim compare`: a real run, and bad input exiting 2 without a traceback."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
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


# ------------------------------------------------------ outputs checked first


def _must_not_run(task):
    raise AssertionError("a run started although the output was refused")


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in."""
    if os.name == "posix" and os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if Path("/sys").is_dir():  # not even root may create files there
        return Path("/sys")
    pytest.skip("no folder here that this user cannot write")


def test_outputs_that_cannot_be_written_fail_before_any_run(tmp_path, more, capsys, monkeypatch):
    import sim.experiments.runner as runner_mod

    monkeypatch.setattr(runner_mod, "run_task", _must_not_run)
    existing = tmp_path / "old.html"
    existing.write_text("last week's report", encoding="utf-8")
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("notes", encoding="utf-8")
    cases = [
        (["--report", str(_unwritable_folder(tmp_path) / "r.html")], "cannot write in"),
        (["--report", str(existing)], "already there"),
        (["--report", str(tmp_path)], "is a folder"),
        (["--out", str(foreign)], "notes.txt"),
    ]
    for args, message in cases:
        code = main(["compare", COFFEE, "--variant", f"more={more}", *args, *SMALL])
        err = capsys.readouterr().err
        assert code == 2, args
        assert message in err and "Traceback" not in err
    assert existing.read_text(encoding="utf-8") == "last week's report"
    assert sorted(f.name for f in foreign.iterdir()) == ["notes.txt"]


def test_an_existing_report_is_replaced_only_with_force(tmp_path, more, capsys):
    report = tmp_path / "r.html"
    report.write_text("old", encoding="utf-8")
    report.chmod(0o640)
    args = ["compare", COFFEE, "--variant", f"more={more}", "--report", str(report), *SMALL]
    assert main([*args, "--force"]) == 0
    assert "more" in report.read_text(encoding="utf-8")
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert sorted(f.name for f in tmp_path.iterdir()) == ["more.yaml", "r.html"]


# ------------------------------------------------------ workers die with compare


def _children() -> dict[int, int]:
    """pid -> parent pid of every process (Linux /proc)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat_line = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat_line.rsplit(")", 1)[1].split()
            if fields[0] != "Z":  # a zombie has finished already
                out[int(entry.name)] = int(fields[1])
    return out


def _descendants(pid: int) -> set[int]:
    parents = _children()
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for child, parent in parents.items():
            if parent == p and child not in found:
                found.add(child)
                todo.append(child)
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_killing_compare_ends_its_worker_processes(more, how):
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "compare", COFFEE, "--variant", f"more={more}",
         "--customers", "30000", "--days", "365", "--replications", "4", "--workers", "2"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 120
        while len(workers) < 3 and time.monotonic() < deadline:  # forkserver + 2 workers
            time.sleep(0.2)
            workers = _descendants(proc.pid)
        assert len(workers) >= 3, "the pool never started"
        proc.send_signal(how)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 30
        while (workers & set(_children())) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not workers & set(_children()), "workers outlived the compare that ran them"
    finally:
        proc.kill()
        for pid in _descendants(proc.pid):
            os.kill(pid, signal.SIGKILL)
