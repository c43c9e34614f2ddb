"""Reading a CRM export: CDNOW's text file, Chinese headers in a GBK CSV, Excel, Parquet,
every usual date form, column options, one occasion per customer-day, returns, cancels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import datasets
from sim.calibrate.errors import ExportError
from sim.calibrate.reading import read_export
from sim.calibrate.values import parse_amounts, parse_dates

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT / "datasets" / "cdnow_sample" / "CDNOW_sample.txt"


def test_cdnow_text_file_reads_without_a_header():
    """CDNOW_sample.txt: no header, spaces between fields, dates as yyyymmdd."""
    export = read_export(CDNOW)
    r = export.report
    raw = datasets.load_cdnow_sample()
    assert r.headerless and r.columns == {"customer": "1", "date": "3", "amount": "5"}
    assert r.rows_read == len(raw) == 6919
    assert r.customers == raw["customer_id"].nunique() == 2357
    days = raw.groupby(["customer_id", "date"]).size()
    assert r.occasions == len(days) == 6696 and r.merged_rows == 6919 - 6696
    assert (r.first_date, r.last_date) == (dt.date(1997, 1, 1), dt.date(1998, 6, 30))
    assert r.dropped == {"returns": 0} and r.zero_amount_rows == int((raw["amount"] == 0).sum())
    # the same occasions as lifetimes' daily convention: amounts summed per customer-day
    occ = export.occasions
    assert occ["amount"].sum() == pytest.approx(raw["amount"].sum())
    first = occ[occ["customer"] == "00004"]
    assert list(first["amount"]) == [29.33, 29.73, 14.96, 26.48]
    assert occ["date"].dtype == "datetime64[ns]" and occ["category"].isna().all()


def chinese_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "客户编号": ["C001", "C001", "C001", "C002", "C002", "C003", "C003"],
            "姓名": ["张伟", "张伟", "张伟", "王芳", "王芳", "李娜", "李娜"],
            "下单日期": [
                "2025年10月1日",
                "2025年10月1日",
                "2025年10月15日",
                "2025/10/02",
                "2025-11-03 14:20:00",
                "20251005",
                "2025.10.09",
            ],
            "实付金额": ["￥1,200.50", "30", "88.8", "45", "-45", "60", "70"],
            "商品类别": ["家电", "图书", "图书", "服装", "服装", "图书", "服装"],
            "订单状态": ["已完成", "已完成", "已完成", "已完成", "已完成", "已取消", "已完成"],
        }
    )


def test_chinese_headers_in_a_gbk_csv(tmp_path):
    path = tmp_path / "订单.csv"
    chinese_orders().to_csv(path, index=False, encoding="gbk")
    export = read_export(path)
    r = export.report
    assert r.encoding == "gb18030" and r.chinese_headers
    assert r.columns == {
        "customer": "客户编号",
        "date": "下单日期",
        "amount": "实付金额",
        "category": "商品类别",
        "status": "订单状态",
    }
    assert r.dropped == {"cancelled": 1, "returns": 1}
    assert r.rows_read == 7 and r.customers == 3
    occ = export.occasions.set_index(["customer", "date"])
    # two orders on 1 October: one occasion, amounts summed, the larger order's category
    day = occ.loc[("C001", pd.Timestamp("2025-10-01"))]
    assert day["amount"] == pytest.approx(1230.50) and day["category"] == "家电"
    assert occ.loc[("C002", pd.Timestamp("2025-10-02")), "amount"] == 45
    assert len(occ) == 4 and r.merged_rows == 1  # 5 rows kept, two of them on one day


def test_utf8_bom_csv_and_english_headers_any_case(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "Customer ID;Order Date;Total;Product Category\n1001;2025-01-02;10.5;Books\n"
        "1002;2025-01-03;20;Toys\n",
        encoding="utf-8-sig",
    )
    r = read_export(path).report
    assert r.encoding == "utf-8-sig" and not r.chinese_headers
    assert r.columns == {
        "customer": "Customer ID",
        "date": "Order Date",
        "amount": "Total",
        "category": "Product Category",
    }


def test_xlsx_picks_the_sheet_with_the_columns_and_reads_excel_dates(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本文件由 CRM 导出"])
    sheet = book.create_sheet("orders")
    sheet.append(["member id", "order_date", "amount", "category", "email"])
    sheet.append([1001, dt.datetime(2025, 3, 1, 9, 30), 12.5, "coffee", "a@example.com"])
    sheet.append([1001, dt.date(2025, 3, 8), 7, "tea", "a@example.com"])
    sheet.append([1002.0, 45731, 20, "coffee", "b@example.com"])  # an Excel serial day
    path = tmp_path / "export.xlsx"
    book.save(path)
    export = read_export(path)
    assert export.report.sheet == "orders" and export.report.format == "xlsx"
    occ = export.occasions
    assert list(occ["customer"]) == ["1001", "1001", "1002"]
    assert list(occ["date"].dt.date) == [
        dt.date(2025, 3, 1),
        dt.date(2025, 3, 8),
        dt.date(2025, 3, 15),
    ]


def test_parquet_with_timestamps_and_integer_ids(tmp_path):
    path = tmp_path / "export.parquet"
    pd.DataFrame(
        {
            "cust_id": [7, 7, 8],
            "date": pd.to_datetime(["2024-05-01 10:00", "2024-05-01 18:00", "2024-06-01 00:00"]),
            "sales": [1.0, 2.0, 3.0],
            "phone": ["13800000000", "13800000000", "13900000000"],
        }
    ).to_parquet(path)
    export = read_export(path)
    assert export.report.format == "parquet"
    assert export.occasions[["customer", "amount"]].values.tolist() == [["7", 3.0], ["8", 3.0]]


def test_options_choose_columns_by_name_or_number(tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("Kunde,Tag,Betrag,Art\nk1,2025-01-01,5,x\nk2,2025-01-02,6,y\n")
    by_name = read_export(
        path, customer_col="kunde", date_col="Tag", amount_col="Betrag", category_col="Art"
    )
    by_number = read_export(path, customer_col="1", date_col="2", amount_col="3")
    assert by_name.report.columns == {
        "customer": "Kunde",
        "date": "Tag",
        "amount": "Betrag",
        "category": "Art",
    }
    assert by_number.occasions["amount"].tolist() == [5.0, 6.0]
    assert not by_number.has_categories and by_name.has_categories


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-10-01", dt.date(2025, 10, 1)),
        ("2025/10/1", dt.date(2025, 10, 1)),
        ("2025.10.01", dt.date(2025, 10, 1)),
        ("20251001", dt.date(2025, 10, 1)),
        ("2025年10月1日", dt.date(2025, 10, 1)),
        ("2025年10月1日 08:15", dt.date(2025, 10, 1)),
        ("2025-10-01T23:59:59Z", dt.date(2025, 10, 1)),
        ("2025-10-01 23:59:59+08:00", dt.date(2025, 10, 1)),
        ("10/01/2025", dt.date(2025, 10, 1)),
        ("Oct 1, 2025", dt.date(2025, 10, 1)),
        (20251001, dt.date(2025, 10, 1)),
        (45931, dt.date(2025, 10, 1)),
        (dt.datetime(2025, 10, 1, 22, 0), dt.date(2025, 10, 1)),
    ],
)
def test_every_usual_date_form(text, day):
    parsed, bad, _first = parse_dates(pd.Series([text], dtype=object))
    assert not bad[0] and parsed[0] == np.datetime64(day)


def test_day_first_is_decided_for_the_whole_column():
    parsed, bad, day_first = parse_dates(pd.Series(["05/10/2025", "25/10/2025"]))
    assert day_first and not bad.any()
    assert parsed.tolist() == [dt.date(2025, 10, 5), dt.date(2025, 10, 25)]
    parsed, _bad, day_first = parse_dates(pd.Series(["05/10/2025", "10/25/2025"]))
    assert not day_first and parsed[0] == np.datetime64("2025-05-10")


def test_bad_dates_and_amounts_are_flagged_not_guessed():
    _parsed, bad, _first = parse_dates(pd.Series(["2025-02-30", "soon", "", "2025-13-01"]))
    assert bad.tolist() == [True, True, False, True]
    number, bad, empty = parse_amounts(pd.Series(["¥1,234.50", "(12.00)", "12元", "abc", ""]))
    assert number[:3].tolist() == [1234.5, -12.0, 12.0]
    assert bad.tolist() == [False, False, False, True, False]
    assert empty.tolist() == [False, False, False, False, True]


def test_every_problem_at_once_with_rows(tmp_path):
    path = tmp_path / "orders.csv"
    lines = ["customer_id,date,amount"] + [f"c{i},2025-01-0{i % 9 + 1},{i}" for i in range(20)]
    lines[3] = "c2,yesterday,5"
    lines[5] = "c4,2025-01-05,five"
    lines[8] = ",2025-01-05,5"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ExportError) as info:
        read_export(path)
    text = info.value.report()
    assert "3 problems" in text
    assert f"{path}:4: date: expected a date" in text and "'yesterday'" in text
    assert f"{path}:6: amount: expected a number" in text and "'five'" in text
    assert f"{path}:9: customer_id: expected a customer id" in text
