"""The world as a SQLite file and an Excel workbook (sim.sqlfile, sim.workbook): every table
comes back equal to its DataFrame (after the documented conversion: categories as text),
keys hold, files open in a fresh process, writes are atomic, Excel's row limit is refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from worlds import B2B, COFFEE, ROOT

import sim
from sim import columns, sqlfile, workbook
from sim.cli import main
from sim.i18n import using
from sim.outputs import OutputError

SMALL = {"customers": 300, "days": 120}


@pytest.fixture(scope="module")
def coffee():
    """The zh_CN coffee chain: Chinese names, cities and survey comments; every section on."""
    return sim.run(sim.load_scenario(COFFEE).with_overrides(**SMALL), seed=7, progress=False)


@pytest.fixture(scope="module")
def b2b():
    """A contractual world: renewals and fulfilment problems have rows."""
    return sim.run(sim.load_scenario(B2B).with_overrides(**SMALL), seed=3, progress=False)


@pytest.fixture(scope="module")
def files(coffee, tmp_path_factory):
    folder = tmp_path_factory.mktemp("db")
    with using("zh"):
        coffee.to_excel(folder / "world_zh.xlsx")
    with using("en"):
        coffee.to_excel(folder / "world_en.xlsx")
        coffee.to_sql(folder / "world.sqlite")
    return folder


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_coffee_world_has_what_the_round_trip_must_carry(coffee):
    t = coffee.tables
    assert t["customers"]["name"].map(_cjk).all()
    assert t["surveys"]["comment"].map(_cjk).any() and (t["surveys"]["comment"] == "").any()
    assert t["customers"]["churn_day"].isna().any() and t["customers"]["churn_day"].notna().any()
    assert t["tickets"].shape[0] > 0 and t["orders"]["category"].dtype == "category"


def test_every_table_comes_back_from_sqlite_as_it_was(coffee, files):
    con = sqlite3.connect(files / "world.sqlite")
    kinds = sqlfile.kinds(con)
    assert sorted(kinds) == sorted(coffee.tables)
    for name, df in coffee.tables.items():
        raw = pd.read_sql(f'SELECT * FROM "{name}" ORDER BY rowid', con)
        pd.testing.assert_frame_equal(columns.restore(raw, kinds[name]), columns.as_stored(df))
    back = sqlfile.read_sql(files / "world.sqlite")
    for name, df in coffee.tables.items():
        pd.testing.assert_frame_equal(back[name], columns.as_stored(df))
    assert back["orders"]["date"].dtype == "datetime64[s]"
    assert back["orders"]["complained"].dtype == bool
    assert back["customers"]["name"].tolist() == coffee.tables["customers"]["name"].tolist()


def test_sqlite_stores_the_documented_types(coffee, files):
    con = sqlite3.connect(files / "world.sqlite")
    types = dict(
        con.execute(
            "SELECT typeof(date), count(*) FROM orders GROUP BY 1"
            " UNION ALL SELECT 'complained:' || typeof(complained), count(*) FROM orders GROUP BY 1"
        ).fetchall()
    )
    assert types == {"text": len(coffee["orders"]), "complained:integer": len(coffee["orders"])}
    assert con.execute("SELECT min(date) FROM orders").fetchone()[0] == str(
        coffee["orders"]["date"].min().date()
    )
    nulls = con.execute("SELECT count(*) FROM customers WHERE churn_day IS NULL").fetchone()[0]
    assert nulls == coffee["customers"]["churn_day"].isna().sum()
    empty = con.execute("SELECT count(*) FROM surveys WHERE comment = ''").fetchone()[0]
    assert empty == (coffee["surveys"]["comment"] == "").sum()
    info = {row[1]: (row[2], row[5]) for row in con.execute("PRAGMA table_info(customers)")}
    assert info["customer_id"] == ("INTEGER", 1) and info["true_mean_spend"] == ("REAL", 0)


def test_sqlite_keys_and_indexes(files):
    con = sqlite3.connect(files / "world.sqlite")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in ("orders", "tickets", "touches", "points_ledger", "surveys", "redemptions"):
        parents = {row[2] for row in con.execute(f"PRAGMA foreign_key_list({table})")}
        assert "customers" in parents, table
    indexed = {
        (table, row[2])
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
        for idx in con.execute(f"PRAGMA index_list({table})").fetchall()
        for row in con.execute(f"PRAGMA index_info('{idx[1]}')")
    }
    for key in [("orders", "customer_id"), ("orders", "date"), ("tickets", "opened_day")]:
        assert key in indexed
    assert ("customers", "city") in indexed
    with pytest.raises(sqlite3.IntegrityError):  # the key is enforced once a user asks for it
        con.execute("PRAGMA foreign_keys = ON")
        con.execute(
            "INSERT INTO orders (order_id, customer_id, fulfilment_problem, complained)"
            " VALUES (999999, 999999, 0, 0)"
        )


def test_a_broken_foreign_key_is_refused_and_nothing_is_written(coffee, tmp_path):
    tables = dict(coffee.tables)
    orders = tables["orders"].copy()
    orders.loc[0, "customer_id"] = 10**9
    tables["orders"] = orders
    with pytest.raises(OutputError, match="orders"):
        sqlfile.to_sql(tables, tmp_path / "w.sqlite")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_table_comes_back_from_the_workbook_as_it_was(coffee, files, language):
    path = files / f"world_{language}.xlsx"
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["README", *coffee.tables]
    head = list(sheets["customers"].columns)
    if language == "zh":
        assert head[:3] == ["客户编号", "推荐人", "姓名"]
    else:
        assert head == list(coffee["customers"].columns)
    back = workbook.read_excel(path)
    for name, df in coffee.tables.items():
        pd.testing.assert_frame_equal(back[name], columns.as_stored(df))
    assert (
        back["customers"]["churn_day"].isna().sum() == coffee["customers"]["churn_day"].isna().sum()
    )


def test_a_contractual_world_round_trips_too(b2b, tmp_path):
    assert len(b2b["renewals"]) > 0 and b2b["orders"]["fulfilment_problem"].any()
    b2b.to_excel(tmp_path / "w.xlsx")
    b2b.to_sql(tmp_path / "w.sqlite")
    for back in (workbook.read_excel(tmp_path / "w.xlsx"), sqlfile.read_sql(tmp_path / "w.sqlite")):
        for name, df in b2b.tables.items():
            pd.testing.assert_frame_equal(back[name], columns.as_stored(df))


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    tables = {
        "surveys": pd.DataFrame(
            {
                "customer_id": [1, 2],
                "day": [0.5, np.nan],
                "comment": ["=SUM(A1:A9)", "好"],
            }
        )
    }
    workbook.to_excel(tables, tmp_path / "w.xlsx")
    back = workbook.read_excel(tmp_path / "w.xlsx")["surveys"]
    assert back["comment"].tolist() == ["=SUM(A1:A9)", "好"]
    assert np.isnan(back["day"][1])


FRESH = """
import sqlite3, sys
from openpyxl import load_workbook
con = sqlite3.connect(sys.argv[1])
print(con.execute("PRAGMA foreign_key_check").fetchall())
print(con.execute("SELECT count(*) FROM orders").fetchone()[0])
label = "SELECT label FROM readme WHERE table_name = 'orders' AND column_name = 'amount'"
print(con.execute(label).fetchone()[0])
wb = load_workbook(sys.argv[2])
ws = wb["orders"]
names = [c.value for c in ws[1]]
amount = ws.cell(row=2, column=names.index("amount") + 1)
date = ws.cell(row=2, column=names.index("date") + 1)
print(wb.sheetnames[0], ws.freeze_panes, ws[1][0].font.b, ws.max_row - 1)
print(amount.number_format, date.is_date, date.number_format)
"""


def test_both_files_open_in_a_fresh_process(coffee, files):
    p = subprocess.run(
        [sys.executable, "-c", FRESH, str(files / "world.sqlite"), str(files / "world_en.xlsx")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    n = len(coffee["orders"])
    assert p.stdout.splitlines() == [
        "[]",
        str(n),
        "amount",
        f"README A2 True {n}",
        '"¥"#,##0.00 True yyyy-mm-dd',
    ]


@pytest.mark.parametrize("kind", ["sqlite", "xlsx"])
def test_a_failing_write_leaves_no_file_and_keeps_an_existing_one(
    coffee, tmp_path, monkeypatch, kind
):
    path = tmp_path / f"world.{kind}"
    write = coffee.to_sql if kind == "sqlite" else coffee.to_excel
    module, name = (sqlfile, "write_database") if kind == "sqlite" else (workbook, "write_workbook")
    real = getattr(module, name)

    def failing(tables, target, *args):
        real({"customers": tables["customers"]}, target, *args)  # half the file, then a failure
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, name, failing)
    with pytest.raises(OSError):
        write(path)
    assert list(tmp_path.iterdir()) == []
    path.write_bytes(b"the trainer's file")
    with pytest.raises(OutputError, match="already there"):
        write(path)
    with pytest.raises(OSError):
        write(path, overwrite=True)
    assert path.read_bytes() == b"the trainer's file"
    assert list(tmp_path.iterdir()) == [path]
    monkeypatch.setattr(module, name, real)
    write(path, overwrite=True)
    assert path.stat().st_size > 1000


def test_a_table_longer_than_a_sheet_is_refused_before_writing(coffee, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 1001)
    too_long = sorted(n for n, df in coffee.tables.items() if len(df) > 1000)
    assert "orders" in too_long
    with using("en"), pytest.raises(OutputError) as err:
        coffee.to_excel(tmp_path / "w.xlsx")
    message = str(err.value)
    assert "1,000 rows" in message and "--format sqlite" in message
    for name in too_long:
        assert f"table {name} has {len(coffee[name]):,} rows" in message
    assert "table customers has" not in message  # 373 rows fit
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_writes_the_formats_asked(tmp_path, monkeypatch, capsys):
    args = ["run", str(COFFEE), "--customers", "100", "--days", "30", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "db"), "--format", "sqlite"]) == 0
    assert sorted(p.name for p in (tmp_path / "db").iterdir()) == [
        ".customer-workbench",
        "scenario.yaml",
        "summary.json",
        "world.sqlite",
    ]
    con = sqlite3.connect(tmp_path / "db" / "world.sqlite")
    assert con.execute("SELECT count(*) FROM customers").fetchone()[0] > 100
    monkeypatch.setattr(workbook, "MAX_ROWS", 50)
    out = tmp_path / "xl"
    assert main([*args, "--out", str(out), "--format", "xlsx", "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert "Excel 每张工作表最多 49 行" in err and "--format sqlite" in err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["db"]


def test_the_same_tables_give_the_same_workbook_bytes(coffee, tmp_path):
    coffee.to_excel(tmp_path / "a.xlsx")
    coffee.to_excel(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_crm_extract_as_a_workbook_keeps_its_mess(tmp_path, language):
    from sim import crm, datasets

    customers = datasets.load("coffee_chain", ["customers"])["customers"]
    extract, _truth = crm.crm_extract(customers, seed=1)
    assert extract.isna().any().any() and extract["email"].str.startswith(" ").any()
    with using(language):  # the headers are the column names in both: the notebook's code
        path = crm.extract_to_excel(extract, tmp_path / "crm_export.xlsx")
    received = pd.read_excel(path, sheet_name="crm_export")  # as a trainee reads it
    expected = extract.astype({"gender": str})
    pd.testing.assert_frame_equal(received, expected)
    readme = pd.read_excel(path, sheet_name="README")
    meaning = {"en": "mobile number", "zh": "手机号码"}[language]
    assert readme.query("column == 'phone'")["meaning"].item() == meaning
