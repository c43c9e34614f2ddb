"""`python -m sim run`: files of the data contract, atomically, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.result import OutputError

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
    resolved = sim.load_scenario(out / "scenario.yaml")
    assert resolved.seed == 7 and resolved.population.initial_customers == 300
    # nothing but the finished folder is left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_run_refuses_to_overwrite_and_keeps_what_was_there(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    p = cli("run", str(COFFEE), "--out", str(out), "--customers", "50", "--days", "10")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "--force" in p.stderr
    assert (out / "precious.txt").read_text() == "keep me"
    p = cli(
        "run",
        str(COFFEE),
        "--out",
        str(out),
        "--customers",
        "50",
        "--days",
        "10",
        "--force",
        "--quiet",
    )
    assert p.returncode == 0, p.stderr
    assert not (out / "precious.txt").exists() and (out / "orders.csv").exists()


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
    with pytest.raises(OutputError, match="not a directory"):
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
