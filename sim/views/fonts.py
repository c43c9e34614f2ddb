"""Fonts for charts: Latin from DejaVu Sans, Chinese (and Japanese) from a CJK font.

matplotlib draws boxes for glyphs its font lacks. The environment ships Noto Sans CJK in the
PyPI package ``cvttf-notosanscjk-regular``; ``cjk_families`` registers it with matplotlib's
font list and returns a family list, and matplotlib (>= 3.6) falls back glyph by glyph along
that list. Nothing happens at import time.

- ``with cjk_fonts():`` (or ``@cjk_fonts()`` on a function) uses that list inside only and
  puts the caller's ``rcParams`` back after: what sim's own charts, the lab and the reports do,
  so importing or calling sim never changes a program's matplotlib settings.
- ``use_cjk_fonts()`` sets it for the whole process: a notebook's first cell, where the
  trainee's own charts should render Chinese too.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import matplotlib
from matplotlib import font_manager

# The import name of the PyPI package cvttf-notosanscjk-regular, which holds one .otf file.
BUNDLED_FONT_PACKAGE = "cvttf_NotoSansCJK_Regular"
LATIN_FAMILY = "DejaVu Sans"
# CJK families found on common systems: Debian/Ubuntu fonts-noto-cjk, Adobe, Windows, macOS,
# older Linux. Only those matplotlib can find are used, so none of them is required.
SYSTEM_CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "SimHei",
    "WenQuanYi Zen Hei",
    "Arial Unicode MS",
)
_FONT_SUFFIXES = (".otf", ".ttf", ".ttc")


def bundled_font_file() -> Path | None:
    """The font file inside the bundled package, or None when the package is not installed."""
    try:
        root = importlib.resources.files(BUNDLED_FONT_PACKAGE)
    except ModuleNotFoundError:
        return None
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        # An installed wheel is a directory on disk; a zipped import would need extracting.
        if entry.name.lower().endswith(_FONT_SUFFIXES) and isinstance(entry, os.PathLike):
            path = Path(entry)
            if path.is_file():
                return path.resolve()
    return None


def _register(path: Path) -> str:
    """Add a font file to matplotlib once; return the family name read from the file."""
    fname = os.fsdecode(path)
    entries = [e for e in font_manager.fontManager.ttflist if e.fname == fname]
    if not entries:
        font_manager.fontManager.addfont(fname)
        entries = [e for e in font_manager.fontManager.ttflist if e.fname == fname]
    # addfont lists the file's family name first, then any alternative names.
    return entries[0].name


def cjk_families() -> list[str]:
    """The family list that renders Latin and CJK text: DejaVu Sans, the bundled CJK font
    (registered with matplotlib once) and the system CJK fonts matplotlib finds. Warns when
    there is no CJK font at all. Changes no rcParams."""
    families = [LATIN_FAMILY]
    path = bundled_font_file()
    if path is not None:
        families.append(_register(path))
    available = {entry.name for entry in font_manager.fontManager.ttflist}
    families += [f for f in SYSTEM_CJK_FAMILIES if f in available and f not in families]
    if len(families) == 1:
        warnings.warn(
            "No CJK font found: Chinese and Japanese text will draw as boxes. "
            "Install the package cvttf-notosanscjk-regular (or fonts-noto-cjk).",
            stacklevel=3,
        )
    return families


@contextlib.contextmanager
def cjk_fonts() -> Iterator[list[str]]:
    """Inside: charts drawn with the CJK family list (yielded); after: the caller's rcParams
    as they were. Also a decorator: ``@cjk_fonts()``."""
    families = cjk_families()
    with matplotlib.rc_context({"font.family": families}):
        yield families


def use_cjk_fonts() -> list[str]:
    """Set the CJK family list for the whole process (``rcParams["font.family"]``), for a
    notebook whose own charts should render Chinese; returns it. Safe to call many times.
    Library code uses ``cjk_fonts()`` instead, which leaves the caller's settings alone."""
    families = cjk_families()
    matplotlib.rcParams["font.family"] = families
    return families
