"""A small streaming writer of .xlsx files (SpreadsheetML in a zip), column at a time.

openpyxl's write-only mode builds a Python object per cell (about 80,000 cells a second
here), too slow for a 100,000-customer world (14 million cells). This writer turns each
column into XML with pandas' vectorised string operations instead, and writes each sheet
in chunks straight into the zip. It knows just what sim.workbook needs: numbers, booleans,
dates and inline text; a few cell styles (bold, wrapped, number formats); a frozen first
row; column widths. The zip's entries carry a fixed date, so the same tables give the same
bytes. openpyxl reads what it writes (tests/test_database.py).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

CHUNK = 50_000  # rows built into XML at a time
EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day 0 (1900 date system)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Style:
    """A cell style: bold, wrapped at the top, a number format (None: General)."""

    bold: bool = False
    wrap: bool = False
    number_format: str | None = None


@dataclass
class Column:
    """One column to write: its cells' kind (number, boolean, date, text) and style."""

    values: pd.Series
    kind: str
    style: Style = field(default_factory=Style)


def letter(index: int) -> str:
    """Excel's column letters of 0-based column `index` (0 -> A, 26 -> AA)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def clean(text: str) -> str:
    """`text` escaped for XML, without the characters XML 1.0 cannot hold."""
    return escape(_ILLEGAL.sub("", text))


class Writer:
    """Write sheets one after another into an .xlsx file at `path`, then `close()`."""

    def __init__(self, path: str | os.PathLike):
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[str] = []
        self._styles: list[Style] = [Style()]
        self._formats: list[str] = []

    def _style(self, style: Style) -> int:
        if style not in self._styles:
            self._styles.append(style)
        return self._styles.index(style)

    def _entry(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def sheet(
        self,
        name: str,
        header: Sequence[str],
        columns: Sequence[Column],
        widths: Sequence[float],
        header_style: Style = Style(bold=True),
    ) -> None:
        """A sheet: a frozen header row, then a row per value of the columns (all as long)."""
        rows = len(columns[0].values) if columns else 0
        last = f"{letter(max(len(header), 1) - 1)}{rows + 1}"
        cols = "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{w:.1f}" customWidth="1"/>'
            for i, w in enumerate(widths)
        )
        bold = self._style(header_style)
        head = "".join(
            f'<c r="{letter(i)}1" s="{bold}" t="inlineStr"><is><t>{clean(str(text))}</t></is></c>'
            for i, text in enumerate(header)
        )
        styles = [self._style(col.style) for col in columns]
        self._sheets.append(name)
        with self._zip.open(self._entry(f"xl/worksheets/sheet{len(self._sheets)}.xml"), "w") as out:
            out.write(
                (
                    f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                    f'<dimension ref="A1:{last}"/>'
                    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                    'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
                    'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                    '<sheetFormatPr defaultRowHeight="15"/>'
                    f"{'<cols>' + cols + '</cols>' if cols else ''}"
                    f'<sheetData><row r="1">{head}</row>'
                ).encode()
            )
            for start in range(0, rows, CHUNK):
                stop = min(start + CHUNK, rows)
                out.write(self._rows(columns, styles, start, stop).encode("utf-8"))
            out.write(b"</sheetData></worksheet>")

    def _rows(self, columns: Sequence[Column], styles: list[int], start: int, stop: int) -> str:
        numbers = pd.Series(np.arange(start + 2, stop + 2)).astype(str)
        line = '<row r="' + numbers + '">'
        for i, (col, s) in enumerate(zip(columns, styles, strict=True)):
            values = col.values.iloc[start:stop].reset_index(drop=True)
            line = line + _cells(values, col.kind, f'<c r="{letter(i)}', numbers, s)
        return "".join((line + "</row>").tolist())

    def close(self) -> None:
        """Write the workbook's parts (sheets list, styles, relations) and close the zip."""
        n = len(self._sheets)
        sheets = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self._sheets, start=1)
        )
        parts = {
            "[Content_Types].xml": (
                f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                + "".join(
                    f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(1, n + 1)
                )
                + "</Types>"
            ),
            "_rels/.rels": (
                f'{_HEAD}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/'
                'officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
                f"</bookViews><sheets>{sheets}</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                f'{_HEAD}<Relationships xmlns="{_PKG}">'
                + "".join(
                    f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                    f'Target="worksheets/sheet{i}.xml"/>'
                    for i in range(1, n + 1)
                )
                + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                "</Relationships>"
            ),
            "xl/styles.xml": self._styles_xml(),
        }
        for name, text in parts.items():
            self._zip.writestr(self._entry(name), text.encode("utf-8"))
        self._zip.close()

    def _styles_xml(self) -> str:
        formats = sorted({s.number_format for s in self._styles if s.number_format})
        ids = {f: 164 + i for i, f in enumerate(formats)}
        numfmts = "".join(
            f'<numFmt numFmtId="{ids[f]}" formatCode={quoteattr(f)}/>' for f in formats
        )
        xfs = []
        for s in self._styles:
            fmt = ids.get(s.number_format, 0) if s.number_format else 0
            attrs = f'numFmtId="{fmt}" fontId="{1 if s.bold else 0}" fillId="0" borderId="0"'
            attrs += ' applyNumberFormat="1"' if fmt else ""
            attrs += ' applyFont="1"' if s.bold else ""
            if s.wrap:
                xfs.append(
                    f'<xf {attrs} applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>'
                )
            else:
                xfs.append(f"<xf {attrs}/>")
        return (
            f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(formats)}">{numfmts}</numFmts>' if formats else "")
            + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


def _cells(values: pd.Series, kind: str, start: str, numbers: pd.Series, style: int) -> pd.Series:
    """The XML of one column's cells (an empty string for a missing value or empty text)."""
    opening = start + numbers + f'" s="{style}"'
    missing = values.isna().to_numpy()
    if kind == "text":
        text = values.astype(object).where(~missing, "").astype(str)
        missing = missing | (text == "").to_numpy()
        body = text.map(clean)
        cells = opening + ' t="inlineStr"><is><t xml:space="preserve">' + body + "</t></is></c>"
    elif kind == "boolean":
        cells = opening + ' t="b"><v>' + values.astype("int64").astype(str) + "</v></c>"
    elif kind == "date":
        days = (values.to_numpy().astype("datetime64[D]") - EPOCH).astype("int64")
        cells = opening + "><v>" + pd.Series(days).astype(str) + "</v></c>"
    else:
        cells = opening + "><v>" + pd.Series(_numbers(values)) + "</v></c>"
    if missing.any():
        cells = cells.where(~missing, "")
    return cells


def _numbers(values: pd.Series) -> Iterable[str]:
    """Numbers as text that reads back to the same float (repr: the shortest exact form)."""
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.astype(str).tolist()
    return [repr(v) for v in values.astype("float64").tolist()]
