"""Opening a CRM export: CSV or text (any common encoding), Excel .xlsx, Parquet.

`open_table` looks at the file (its first bytes say what it is, whatever its name), reads
its header and a few rows, and returns a `Table` whose `read(positions)` loads only the
columns asked for: the rest of the export (names, phones, e-mails) never enters memory
past the header and those first rows. Row numbers are the file's own (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.calibrate.errors import fail, one
from sim.i18n import N_, _
from sim.problems import Problem

SAMPLE_ROWS = 50  # rows read whole, to tell a header from data and guess headerless columns
ENCODINGS = ("utf-8-sig", "gb18030", "cp1252")  # gb18030 reads GBK and GB2312 too
EXPORT_HINT = N_("export the orders as .csv, .xlsx or .parquet")


@dataclass
class Table:
    """An opened export: its header (positions as "1", "2"... when it has none), a few
    rows of every column, and `read(positions)`: those columns of every row, as text or
    as the file's own types, indexed by row number in the file."""

    header: list[str]
    headerless: bool
    sample: pd.DataFrame
    read: Callable[[list[int]], pd.DataFrame]
    format: str
    encoding: str | None = None
    sheet: str | None = None


def open_table(path: Path, looks_right: Callable[[list[str]], bool]) -> Table:
    """The export at `path` opened, or ExportError saying why it cannot be.

    `looks_right(header)` tells whether a header has the needed columns (to choose the
    sheet of a workbook)."""
    source = str(path)
    _check_path(path, source)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise one(source, "", _("a file you may read"), str(exc.strerror or exc)) from None
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, source, looks_right)
    if head.startswith(b"PAR1"):
        return _open_parquet(path, source)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise one(
            source,
            "",
            _("a .csv, .xlsx or .parquet file"),
            _("an old Excel .xls workbook"),
            _("open it in Excel and save it as .xlsx (Excel Workbook)"),
        )
    return _open_text(path, source)


def _check_path(path: Path, source: str) -> None:
    if path.is_dir():
        inside = sorted(p.name for p in path.iterdir() if p.suffix in (".csv", ".xlsx", ".txt"))
        hint = _("give one file, e.g. {file}", file=path / inside[0]) if inside else _(EXPORT_HINT)
        raise one(source, "", _("a file of orders"), _("a directory"), hint)
    if not path.exists():
        parent = path.parent
        hint = (
            _("there is no folder {folder}; check the path", folder=parent)
            if not parent.is_dir()
            else _("check the name; the folder holds {files}", files=_listing(parent))
        )
        raise one(source, "", _("an existing file"), _("no file at that path"), hint)
    if not path.is_file():
        raise one(source, "", _("a file of orders"), _("something that is not a regular file"))


def _listing(folder: Path) -> str:
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))[:5]
    return ", ".join(names) if names else _("no files")


# ---------------------------------------------------------------- text (CSV, TXT)


def _decode(raw: bytes, source: str) -> tuple[str, str]:
    """The text of the file and the encoding it was read with."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\0" in raw[:65536]:
        raise one(
            source,
            "",
            _("a text, Excel or Parquet file of orders"),
            _("a binary file (it contains NUL bytes)"),
            _(EXPORT_HINT),
        )
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"  # never fails: every byte is a character


def _delimiter(lines: list[str]) -> str | None:
    """The field separator of these lines (comma, semicolon, tab, bar); None: runs of
    spaces, as in CDNOW's text file."""
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|").delimiter
    except csv.Error:
        first = lines[0]
        for sep in (",", "\t", ";", "|"):
            if sep in first:
                return sep
        return None


def _split(line: str, sep: str | None) -> list[str]:
    if sep is None:
        return line.split()
    return next(csv.reader([line], delimiter=sep))


def _open_text(path: Path, source: str) -> Table:
    raw = path.read_bytes()
    if not raw.strip():
        raise one(
            source,
            "",
            _("a header and at least one row of orders"),
            _("an empty file"),
            _(EXPORT_HINT),
        )
    text, encoding = _decode(raw, source)
    del raw
    lines = text.splitlines()
    numbered = [(i, line) for i, line in enumerate(lines[: SAMPLE_ROWS * 4]) if line.strip()]
    if not numbered:
        raise one(source, "", _("a header and at least one row of orders"), _("an empty file"))
    sep = _delimiter([line for _i, line in numbered])
    first_index, first_line = numbered[0]
    cells = [c.strip() for c in _split(first_line, sep)]
    headerless = looks_like_data(cells)
    skip = first_index if headerless else first_index + 1
    header = [str(i + 1) for i in range(len(cells))] if headerless else cells

    def read(positions: list[int], nrows: int | None = None) -> pd.DataFrame:
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=r"\s+" if sep is None else sep,
                header=None,
                skiprows=skip,
                usecols=positions,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                nrows=nrows,
            )
        except pd.errors.EmptyDataError:
            frame = pd.DataFrame({p: pd.Series([], dtype=str) for p in positions})
        except (pd.errors.ParserError, ValueError) as exc:
            line = re.search(r"line (\d+)", str(exc))
            row = int(line[1]) + skip if line else None
            raise fail(
                [
                    Problem(
                        "",
                        row,
                        _("rows with as many fields as the header"),
                        _("a row that does not split like the others"),
                        _("check the quotes and separators on that row"),
                    )
                ],
                source,
            ) from None
        frame = frame.reindex(columns=positions)
        frame.columns = positions
        frame.index = pd.RangeIndex(skip + 1, skip + 1 + len(frame))
        return frame

    sample = read(list(range(len(header))), nrows=SAMPLE_ROWS)
    return Table(header, headerless, sample, read, "csv", encoding=encoding)


_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+$")
_DATEISH = re.compile(r"^\d{4}[-/.年]\d{1,2}|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")


def looks_like_data(cells: list[str]) -> bool:
    """Whether a first row is data rather than a header: every cell a number or a date."""
    filled = [c for c in cells if c]
    return bool(filled) and all(_NUMBER.match(c) or _DATEISH.match(c) for c in filled)


# ---------------------------------------------------------------- Excel


def _open_xlsx(path: Path, source: str, looks_right: Callable[[list[str]], bool]) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or password-protected workbook: openpyxl says why
        raise one(
            source,
            "",
            _("an Excel workbook openpyxl can read"),
            type(exc).__name__,
            _("open it in Excel and save it again as .xlsx"),
        ) from None
    sheets = []
    for sheet in book.worksheets:
        found = _sheet_header(sheet)
        if found is not None:
            sheets.append((sheet, *found))
    if not sheets:
        raise one(
            source,
            "",
            _("a sheet with a header and rows of orders"),
            _("only empty sheets"),
            _(EXPORT_HINT),
        )
    fitting = [s for s in sheets if looks_right(s[2])]
    sheet, header_row, cells = fitting[0] if fitting else sheets[0]
    headerless = looks_like_data(cells)
    header = [str(i + 1) for i in range(len(cells))] if headerless else cells
    first = header_row if headerless else header_row + 1

    def read(positions: list[int], nrows: int | None = None) -> pd.DataFrame:
        columns: dict[int, list] = {p: [] for p in positions}
        rows = sheet.iter_rows(min_row=first, values_only=True)
        count = 0
        for row in rows:
            if nrows is not None and count >= nrows:
                break
            for p in positions:
                columns[p].append(row[p] if p < len(row) else None)
            count += 1
        frame = pd.DataFrame({p: pd.Series(v, dtype=object) for p, v in columns.items()})
        frame.index = pd.RangeIndex(first, first + count)
        return frame

    sample = read(list(range(len(header))), nrows=SAMPLE_ROWS)
    return Table(header, headerless, sample, read, "xlsx", sheet=sheet.title)


def _sheet_header(sheet) -> tuple[int, list[str]] | None:
    """The first non-empty row of a sheet (within its first 20) and its cells as text."""
    for number, row in enumerate(sheet.iter_rows(max_row=20, values_only=True), start=1):
        cells = ["" if v is None else str(v).strip() for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            return number, cells
    return None


# ---------------------------------------------------------------- Parquet


def _open_parquet(path: Path, source: str) -> Table:
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(path)
    except Exception as exc:  # a truncated or damaged file: pyarrow says why
        raise one(
            source, "", _("a Parquet file pyarrow can read"), type(exc).__name__, _(EXPORT_HINT)
        ) from None
    header = list(handle.schema_arrow.names)

    def read(positions: list[int], nrows: int | None = None) -> pd.DataFrame:
        names = [header[p] for p in positions]
        if nrows is None:
            table = handle.read(columns=names)
        else:
            table = next(handle.iter_batches(batch_size=nrows, columns=names), None)
        frame = table.to_pandas() if table is not None else pd.DataFrame(columns=names)
        frame.columns = positions
        frame.index = pd.RangeIndex(1, 1 + len(frame))  # Parquet has no header row
        return frame

    sample = read(list(range(len(header))), nrows=SAMPLE_ROWS)
    return Table(header, False, sample, read, "parquet")
