"""`python -m sim run`: files of the data contract, atomically, and clean errors."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.outputs import MARKER
from sim.result import OutputError, Result

ROOT = Path(__file__).resolve().parents[1]
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"
TABLES = ["customers", "orders", "points_ledger", "tiers", "tickets", "touches", "surveys", "daily"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_run_writes_every_table_and_the_summary(tmp_path):
    out = tmp_path / "out"
    p = cli(
        "run", str(COFFEE), "--out", str(out), "--seed", "7", "--customers", "300", "--days", "60"
    )
    assert p.returncode == 0, p.stderr
    for name in TABLES:
        assert (out / f"{name}.csv").exists(), name
        assert (out / f"{name}.parquet").exists(), name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["seed"] == 7 and summary["horizon_days"] == 60
    orders = pd.read_csv(out / "orders.csv")
    assert list(orders.columns[:10]) == [
        "order_id",
        "customer_id",
        "day",
        "date",
        "category",
        "channel",
        "amount",
        "discount",
        "net_amount",
        "points_earned",
    ]
    assert len(pd.read_parquet(out / "orders.parquet")) == len(orders)
    assert summary["orders"] >= 1000 and f" {summary['orders']:,} orders, " in p.stdout
    assert "writing the tables" in p.stderr  # the bar of rows written
    resolved = sim.load_scenario(out / "scenario.yaml")
    assert resolved.seed == 7 and resolved.population.initial_customers == 300
    # nothing but the finished folder is left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


SMALL = ["--customers", "50", "--days", "10", "--quiet"]


def test_csv_written_in_parts_is_the_frames_own_csv_byte_for_byte(tmp_path, monkeypatch):
    """A large table is written CSV_ROWS rows at a time (a bar moves meanwhile); the file
    is what `to_csv` writes at once: one header, the same quoting, dates and numbers."""
    import sim.result as result_module

    tables = sim.run(COFFEE, seed=3, customers=120, days=40).tables
    monkeypatch.setattr(result_module, "CSV_ROWS", 7)
    for name, df in tables.items():
        parts: list[int] = []
        result_module.write_csv(df, tmp_path / f"{name}.csv", parts.append)
        whole = tmp_path / f"{name}.whole.csv"
        df.to_csv(whole, index=False)
        assert (tmp_path / f"{name}.csv").read_bytes() == whole.read_bytes(), name
        assert sum(parts) == len(df), name
        if len(df) > 14:
            assert len(parts) == -(-len(df) // 7), name


def test_run_refuses_to_overwrite_and_keeps_what_was_there(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    p = cli("run", str(COFFEE), "--out", str(out), *SMALL)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "--force" in p.stderr
    assert (out / "precious.txt").read_text() == "keep me"
    # --force does not replace a folder this tool did not write either, and says why
    p = cli("run", str(COFFEE), "--out", str(out), *SMALL, "--force")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "precious.txt" in p.stderr and MARKER in p.stderr
    assert sorted(f.name for f in out.iterdir()) == ["precious.txt"]
    assert sorted(f.name for f in tmp_path.iterdir()) == ["out"]


def test_force_replaces_a_folder_this_tool_wrote_and_nothing_else(tmp_path):
    out = tmp_path / "out"
    assert cli("run", str(COFFEE), "--out", str(out), *SMALL, "--seed", "1").returncode == 0
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["written_by"] == "customer-workbench"
    assert set(marker["files"]) == {f.name for f in out.iterdir()} - {MARKER}
    assert "orders.csv" in marker["files"] and "summary.json" in marker["files"]
    p = cli("run", str(COFFEE), "--out", str(out), *SMALL, "--seed", "2", "--force")
    assert p.returncode == 0, p.stderr
    assert json.loads((out / "summary.json").read_text())["seed"] == 2
    # a file the user put in it: the folder is no longer only ours
    (out / "notes.md").write_text("my notes")
    p = cli("run", str(COFFEE), "--out", str(out), *SMALL, "--seed", "3", "--force")
    assert p.returncode == 2 and "notes.md" in p.stderr and "Traceback" not in p.stderr
    assert (out / "notes.md").read_text() == "my notes"
    assert json.loads((out / "summary.json").read_text())["seed"] == 2
    assert sorted(f.name for f in tmp_path.iterdir()) == ["out"]


def test_force_never_deletes_the_scenario_or_a_notes_file_beside_it(tmp_path):
    folder = tmp_path / "sc"
    folder.mkdir()
    scenario = folder / "x.yaml"
    scenario.write_text(COFFEE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "notes.txt").write_text("notes")
    p = cli("run", str(scenario), "--out", str(folder), *SMALL, "--force")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "x.yaml" in p.stderr and "an input" in p.stderr
    assert sorted(f.name for f in folder.iterdir()) == ["notes.txt", "x.yaml"]
    # the same with a folder this tool wrote holding the scenario: still never replaced
    out = tmp_path / "out"
    assert cli("run", str(COFFEE), "--out", str(out), *SMALL).returncode == 0
    p = cli("run", str(out / "scenario.yaml"), "--out", str(out), *SMALL, "--force")
    assert p.returncode == 2 and "an input" in p.stderr
    assert (out / "scenario.yaml").is_file()


@pytest.mark.parametrize("where", [".", ".."])
def test_the_current_folder_is_refused_before_simulating(tmp_path, monkeypatch, capsys, where):
    here = tmp_path / "work"
    here.mkdir()
    (here / "notes.txt").write_text("notes")
    monkeypatch.chdir(here)
    monkeypatch.setattr("sim.runner.run", _must_not_run)
    for force in ([], ["--force"]):
        assert main(["run", str(COFFEE), "--out", where, *force]) == 2
        assert "current folder" in capsys.readouterr().err
    assert sorted(f.name for f in here.iterdir()) == ["notes.txt"]


def _must_not_run(*args, **kwargs):
    raise AssertionError("simulated although the output was refused")


def test_a_replaced_folder_keeps_its_permissions(tmp_path):
    result = sim.run(COFFEE, seed=1, customers=30, days=5)
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        result.save(out, parquet=False)
        assert stat.S_IMODE(out.stat().st_mode) == 0o755  # what any new folder gets
        assert stat.S_IMODE((out / "orders.csv").stat().st_mode) == 0o644
        out.chmod(0o750)
        result.save(out, parquet=False, overwrite=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert sorted(f.name for f in tmp_path.iterdir()) == ["out"]


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.mark.skipif(os.name != "posix", reason="staleness is asked of the process on POSIX")
def test_stale_temporary_folders_of_ours_are_swept_and_nothing_else(tmp_path):
    dead = _dead_pid()
    stale = tmp_path / f".out.{dead}-0123abcd.tmp"  # what a killed save leaves
    stale.mkdir()
    (stale / MARKER).write_text(json.dumps({"written_by": "customer-workbench", "files": []}))
    (stale / "orders.csv").write_text("x" * 1000)
    stale_file = tmp_path / f".report.html.{dead}-0123abcd.tmp"
    stale_file.write_text("<html>")
    live = tmp_path / ".out.1-0123abcd.tmp"  # pid 1 always runs: someone is writing it
    live.mkdir()
    (live / MARKER).write_text(json.dumps({"written_by": "customer-workbench", "files": []}))
    alien = tmp_path / f".out.{dead}-fedcba98.tmp"  # our pattern, but not our folder
    alien.mkdir()
    (alien / "data.bin").write_text("not ours")
    p = cli("run", str(COFFEE), "--out", str(tmp_path / "out"), *SMALL)
    assert p.returncode == 0, p.stderr
    left = sorted(f.name for f in tmp_path.iterdir())
    assert left == sorted(["out", live.name, alien.name])
    assert (alien / "data.bin").read_text() == "not ours"


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_a_save_killed_midway_is_swept_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    script = (
        "import os, signal, sys\n"
        "import sim.result as r\n"
        "real = r.Result._write\n"
        "def dying(self, folder, parquet, formats=('csv',), progress=False):\n"
        "    (folder / 'orders.csv').write_text('half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "r.Result._write = dying\n"
        "from sim.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", script, "run", str(COFFEE), "--out", str(out), *SMALL],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert p.returncode == -signal.SIGKILL
    assert [f.name.startswith(".out.") for f in tmp_path.iterdir()] == [True]
    p = cli("run", str(COFFEE), "--out", str(out), *SMALL)
    assert p.returncode == 0, p.stderr
    assert sorted(f.name for f in tmp_path.iterdir()) == ["out"]


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is POSIX")
def test_sigterm_while_saving_exits_cleanly_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    real = Result._write

    def terminated(self, folder, parquet, formats=("csv",), progress=False):
        real(self, folder, False)
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill PID` does, mid-save
        raise AssertionError("SIGTERM did not stop the save")

    monkeypatch.setattr(Result, "_write", terminated)
    before = signal.getsignal(signal.SIGTERM)
    code = main(["run", str(COFFEE), "--out", str(tmp_path / "out"), *SMALL])
    assert code == 143
    assert "interrupted" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is before  # the handler is the command's only


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is POSIX")
def test_sigterm_while_simulating_leaves_nothing(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "run", str(COFFEE), "--out", str(tmp_path / "out"),
         "--customers", "100000", "--days", "365"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        proc.stderr.read(1)  # the progress bar: the world is running (for many seconds)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "interrupted" in err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_nothing_half_written(tmp_path, monkeypatch):
    result = sim.run(COFFEE, seed=1, customers=50, days=10)
    calls = {"n": 0}
    real = pd.DataFrame.to_csv

    def flaky(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(self, *a, **k)

    monkeypatch.setattr(pd.DataFrame, "to_csv", flaky)
    with pytest.raises(OSError):
        result.save(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_previous_output(tmp_path, monkeypatch):
    result = sim.run(COFFEE, seed=1, customers=50, days=10)
    result.save(tmp_path / "out")
    before = (tmp_path / "out" / "orders.csv").read_text()
    monkeypatch.setattr(
        pd.DataFrame, "to_parquet", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full"))
    )
    with pytest.raises(OSError):
        result.save(tmp_path / "out", overwrite=True)
    assert (tmp_path / "out" / "orders.csv").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_out_is_a_file(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = sim.run(COFFEE, seed=1, customers=20, days=5)
    with pytest.raises(OutputError, match="not a folder"):
        result.save(target)


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--customers", "-5"], "--customers"),
        (["--days", "0"], "--days"),
        (["--days", "5000"], "--days"),
        (["--seed", "-1"], "--seed"),
    ],
)
def test_bad_numbers_exit_2_without_traceback(tmp_path, args, needle):
    p = cli("run", str(COFFEE), "--out", str(tmp_path / "o"), *args)
    assert p.returncode == 2
    assert needle in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "o").exists()
