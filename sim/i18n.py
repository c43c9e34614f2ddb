"""The language every user-facing message is written in, and the catalogue it comes from.

One setting chooses it: `set_language("zh")`, else the SIM_LANG environment variable,
else a zh_* system locale (LC_ALL, LC_MESSAGES, LANG), else English. Messages are written
in English in the code (the msgid) and translated through the gettext catalogue
sim/locale/zh/LC_MESSAGES/sim.po (read with Babel; `make messages` refreshes it).

    _("{file}: expected {expected}", file=..., expected=...)   # translated now
    N_("a whole number")                                       # marked, translated later
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path

LANGUAGES = ("en", "zh")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "sim"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None  # set_language's choice; None: the environment decides


def normalise(value: str | None) -> str | None:
    """'zh', 'zh_CN.UTF-8', 'zh-Hans' -> 'zh'; 'en_US' -> 'en'; anything else -> None."""
    if not value:
        return None
    head = value.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    return head if head in LANGUAGES else None


def set_language(language: str | None) -> str:
    """Choose the language of every message from now on ('zh' or 'en'; None gives the
    choice back to SIM_LANG and the system locale). Returns the language now in use."""
    global _chosen
    if language is None:
        _chosen = None
    else:
        found = normalise(language)
        if found is None:
            raise ValueError(
                _(
                    "language: expected one of {languages}, found {found}",
                    languages=", ".join(LANGUAGES),
                    found=repr(language),
                )
            )
        _chosen = found
    return language_in_use()


@contextlib.contextmanager
def using(language: str | None) -> Iterator[str]:
    """Inside: messages in `language` (None: as chosen before); after: the choice before,
    so that a command run in-process (tests, a notebook) leaves the setting as it was."""
    global _chosen
    before = _chosen
    if language is not None:
        set_language(language)
    try:
        yield language_in_use()
    finally:
        _chosen = before


def language_in_use() -> str:
    """The language messages are written in now: set_language's choice, else SIM_LANG,
    else a zh_* system locale, else English."""
    if _chosen is not None:
        return _chosen
    from_env = normalise(os.environ.get("SIM_LANG"))
    if from_env is not None:
        return from_env
    for name in _LOCALE_VARIABLES:  # POSIX precedence: the first one set decides
        value = os.environ.get(name)
        if value:
            return "zh" if normalise(value) == "zh" else DEFAULT
    return DEFAULT


def catalogue_path(language: str) -> Path:
    """Where the catalogue of `language` lives (the .po file, the source of truth)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    """msgid -> translation for `language`, read once from its .po file (untranslated and
    fuzzy entries left out, so that they fall back to English)."""
    if language == DEFAULT:
        return {}
    return read_catalogue(catalogue_path(language).read_text(encoding="utf-8"))


_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ESCAPE = re.compile(r'\\([\\abfnrtv"])')


def _unquote(text: str) -> str:
    """The value of one quoted PO string, its C escapes undone (as Babel's unescape)."""
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text.strip()[1:-1])


def read_catalogue(text: str) -> dict[str, str]:
    """msgid -> msgstr of the PO file `text`: what Babel's read_po gives for the translated,
    non-fuzzy, current entries of a catalogue without contexts or plurals, which is ours
    (tests/test_i18n.py compares the two). Read with the standard library alone, so that a
    command's Chinese help does not wait for Babel to load."""
    found: dict[str, str] = {}
    fields: dict[str, str] = {}
    fuzzy = False
    key = None

    def close() -> None:
        msgid, msgstr = fields.get("msgid"), fields.get("msgstr")
        if msgid and msgstr and not fuzzy and "msgctxt" not in fields:
            found[msgid] = msgstr

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):  # a blank line or an obsolete entry
            continue
        if line.startswith("#"):
            if key is not None and key != "comment":  # a comment opens the next entry
                close()
                fields, fuzzy = {}, False
            key = "comment"
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in [flag.strip() for flag in line[2:].split(",")]
            continue
        if line.startswith('"'):
            if key is not None and key != "comment":
                fields[key] += _unquote(line)
            continue
        word, _space, rest = line.partition(" ")
        if word in ("msgctxt", "msgid") and key not in (None, "comment", "msgctxt"):
            close()  # an entry without comments starts right after the previous one
            fields, fuzzy = {}, False
        key = word
        fields[key] = _unquote(rest)
    close()
    return found


def _(msgid: str, /, **values: object) -> str:
    """`msgid` in the language in use, its {named} placeholders filled from `values`."""
    text = catalogue(language_in_use()).get(msgid, msgid)
    return text.format(**values) if values else text


def N_(msgid: str, /) -> str:
    """Mark `msgid` for the catalogue where it is defined (a module-level table); it is
    translated where it is shown, with `_(msgid)`."""
    return msgid
