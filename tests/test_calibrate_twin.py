"""The whole `sim calibrate`: the CDNOW round trip (holdout.json and report.html beside the
closed form and the actual 1,882), a twin without a holdout, privacy (no name, phone or
e-mail of the export in any output), and ten broken exports that each exit 2 with the
column and the row named, no traceback and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT / "datasets" / "cdnow_sample" / "CDNOW_sample.txt"


@pytest.fixture(scope="module")
def cdnow_twin(tmp_path_factory):
    out = tmp_path_factory.mktemp("twins") / "cdnow"
    salt = out.parent / "cdnow.salt"  # a fixed salt: the same pseudonyms, the same draws
    salt.write_text("5a" * 32 + "\n", encoding="ascii")
    code = main(["calibrate", str(CDNOW), "--out", str(out), "--holdout-from", "1997-10-01",
                 "--replications", "8", "--quiet", "--salt-file", str(salt)])  # fmt: skip
    assert code == 0
    return out


def test_cdnow_holdout_json_tells_the_truth(cdnow_twin):
    """FHL 2005: the model expects 1,653.4 repeat purchases in the 39-week holdout, the
    customers made 1,882. The twin's replications centre on the model's figure (within 3
    standard errors of the mean of 8, SD/√8 with SD = 63, the spread of one run's total
    over 40 replications: `simulate_holdout(..., 40, 0)` gave 1,649.9 ± 63.2) and the actual
    lies above their range."""
    data = json.loads((cdnow_twin / "holdout.json").read_text())
    assert data["actual_repeat_orders"] == 1882
    assert data["model_expected_repeat_orders"] == pytest.approx(1653.4, abs=0.5)
    assert data["replications"] == 8 and data["calibration_customers"] == 2357
    sim = data["simulated_repeat_orders"]
    assert 20 < sim["sd"] < 130  # (8 replications: SD/2 to 2 SD)
    assert abs(sim["mean"] - 1653.4) < 3 * 63 / np.sqrt(8)
    assert sim["high"] < 1882
    rev = data["simulated_revenue"]
    assert rev["low"] < data["model_expected_revenue"] < rev["high"]
    assert data["actual_revenue"] == pytest.approx(70976.39, abs=0.01)  # the export's holdout


def test_cdnow_report_shows_the_fit_the_holdout_and_three_charts(cdnow_twin):
    text = (cdnow_twin / "report.html").read_text(encoding="utf-8")
    assert text.count("<img ") == 3
    assert "1,882" in text and "1,653" in text
    assert "outside the range the twin simulates" in text
    assert "0.243" in text and "Privacy:" in text and "PIPL" in text
    assert sorted(p.name for p in cdnow_twin.iterdir() if p.name[0] != ".") == [
        "base.csv", "holdout.json", "report.html", "scenario.yaml",
    ]  # fmt: skip


def test_without_a_holdout_there_is_no_holdout_json(tmp_path):
    out = tmp_path / "twin"
    assert main(["calibrate", str(CDNOW), "--out", str(out), "--quiet"]) == 0
    assert not (out / "holdout.json").exists()
    assert "No holdout" in (out / "report.html").read_text(encoding="utf-8")
    scenario = (out / "scenario.yaml").read_text(encoding="utf-8")
    assert "start_date: 1998-07-01" in scenario and "horizon_days: 365" in scenario


def _export_with_personal_data(path: Path) -> list[str]:
    """A BG/NBD world's orders with names, phones, e-mails and street addresses beside the
    columns read (and ids that say who the customer is); returns the personal strings."""
    from tests.test_calibrate_fit import simulate_export

    truth = {"r": 0.8, "alpha": 40.0, "a": 1.2, "b": 6.0, "p": 5.0, "q": 4.0, "gamma": 30.0}
    frame = simulate_export(7, 400, truth)
    who = frame["customer_id"].str[1:].astype(int)
    frame["customer_id"] = [f"CUST-{i:04d}-ZHANG" for i in who]
    frame["name"] = [f"Zhang Wei{i}" if i % 2 else f"王秀英{i}" for i in who]
    frame["phone"] = [f"+86 138 0013 {i:04d}" for i in who]
    frame["email"] = [f"person{i}@example.com" for i in who]
    frame["address"] = [f"{i} Secret Street" for i in who]
    frame["category"] = np.where(who % 2 == 0, "beans", "cups")
    frame.to_csv(path, index=False)
    columns = ["customer_id", "name", "phone", "email", "address"]
    return sorted(set(frame[columns].to_numpy().ravel().tolist()))


def test_no_personal_string_of_the_export_reaches_any_output(tmp_path):
    export = tmp_path / "crm.csv"
    personal = _export_with_personal_data(export)
    out = tmp_path / "twin"
    code = main(["calibrate", str(export), "--out", str(out), "--holdout-from", "2024-10-01",
                 "--replications", "2", "--quiet"])  # fmt: skip
    assert code == 0
    written = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir() if p.is_file()}
    assert set(written) - {".customer-workbench"} == {
        "base.csv", "holdout.json", "report.html", "scenario.yaml",
    }  # fmt: skip
    for name, text in written.items():
        leaked = [s for s in personal if s in text]
        assert not leaked, (name, leaked[:3])
    assert "beans" in written["scenario.yaml"]  # category names are kept
    salt = tmp_path / "twin.salt"
    assert salt.exists() and salt.read_text().strip() not in "".join(written.values())
    ids = pd.read_csv(out / "base.csv", dtype={"customer": str})["customer"]
    again = tmp_path / "again"
    assert main(["calibrate", str(export), "--out", str(again), "--salt-file", str(salt),
                 "--quiet"]) == 0  # fmt: skip
    same = pd.read_csv(again / "base.csv", dtype={"customer": str})["customer"]
    assert set(ids) <= set(same)  # the same salt gives the same pseudonyms


def _broken(tmp_path: Path, kind: str) -> tuple[Path, list[str]]:
    """A broken export and the words its message must contain."""
    good = "customer_id,order_date,amount\nc1,2025-01-02,10\nc2,2025-01-03,12\n"
    path = tmp_path / "orders.csv"
    if kind == "missing column":
        path.write_text("customer_id,amount\nc1,10\nc2,12\n")
        return path, ["date", "--date-col"]
    if kind == "bad dates":
        path.write_text(good + "c1,2025-02-30,10\n")
        return path, [f"{path}:4", "order_date", "2025-02-30"]
    if kind == "text amounts":
        path.write_text(good + "c2,2025-01-09,ten\n")
        return path, [f"{path}:4", "amount", "'ten'"]
    if kind == "empty file":
        path.write_text("")
        return path, [str(path)]
    if kind == "header only":
        path.write_text("customer_id,order_date,amount\n")
        return path, [str(path), "a header and no rows"]
    if kind == "binary":
        path.write_bytes(bytes(range(256)) * 8)
        return path, [str(path)]
    if kind == "a directory":
        path = tmp_path / "folder.csv"
        path.mkdir()
        return path, [str(path)]
    if kind == "missing file":
        return tmp_path / "nowhere.csv", ["nowhere.csv"]
    if kind == "all returns":
        path.write_text("customer_id,order_date,amount\nc1,2025-01-02,-10\nc2,2025-01-03,-5\n")
        return path, [str(path), "amount", "return"]
    if kind == "one customer":
        path.write_text("customer_id,order_date,amount\nc1,2025-01-02,10\nc1,2025-02-03,12\n")
        return path, [str(path), "customer_id", "at least 2 customers"]
    raise AssertionError(kind)


BROKEN = ["missing column", "bad dates", "text amounts", "empty file", "header only", "binary",
          "a directory", "missing file", "all returns", "one customer"]  # fmt: skip


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_export_exits_2_says_where_and_writes_nothing(tmp_path, capsys, kind):
    path, words = _broken(tmp_path, kind)
    out = tmp_path / "twin"
    assert main(["calibrate", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for word in words:
        assert word in err, (kind, word, err)
    assert not out.exists() and not (tmp_path / "twin.salt").exists()
