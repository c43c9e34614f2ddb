"""File names made from names users choose (team names): safe on every file system.

A stem keeps the name readable (letters and digits of any script, lower case, dashes) but
is at most MAX_STEM_BYTES of UTF-8 (file systems count bytes: 86 Chinese characters are
258), avoids the names Windows reserves, and is unique among its siblings even where the
file system ignores case (macOS, Windows): clashing or shortened names get a short hash.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict

MAX_STEM_BYTES = 64  # well under the 255 bytes of ext4/APFS/NTFS, leaving room for paths
_HASH = 8
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{d}{i}" for d in ("com", "lpt") for i in range(10)}


def _cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, never inside a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore").rstrip("-")


def safe_stem(name: str, fallback: str = "file", hashed: bool = False) -> str:
    """A file name stem for `name` (no extension); with a hash of the exact name when
    asked, when it had to be shortened, or when nothing readable is left."""
    text = unicodedata.normalize("NFC", name).casefold()
    stem = re.sub(r"[^\w-]+", "-", text).strip("-_")
    short = _cut(stem, MAX_STEM_BYTES)
    if not (hashed or short != stem or not stem or stem in _RESERVED):
        return stem
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:_HASH]
    return f"{_cut(stem or fallback, MAX_STEM_BYTES - _HASH - 1)}-{digest}"


def unique_stems(names: list[str], fallback: str = "file") -> dict[str, str]:
    """A stem for each of the distinct `names`, no two equal when case is ignored.

    Names whose readable stems clash ("coupon-storm" and "Coupon Storm") all get a hash;
    ValueError lists the names if even that does not tell them apart.
    """
    stems = {n: safe_stem(n, fallback) for n in dict.fromkeys(names)}
    for _ in range(2):
        groups: dict[str, list[str]] = defaultdict(list)
        for name, stem in stems.items():
            groups[stem.casefold()].append(name)
        clashes = [group for group in groups.values() if len(group) > 1]
        if not clashes:
            return stems
        for group in clashes:
            for name in group:
                stems[name] = safe_stem(name, fallback, hashed=True)
    raise ValueError(", ".join(repr(n) for group in clashes for n in group))
