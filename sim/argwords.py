"""argparse's own words ("usage:", "options", "error:" ...) in the language in use.

argparse looks its words up at call time through the names `_` and `ngettext` it imported
from gettext (the process-wide default domain). `Parser` binds those two names to our
catalogue only while it is built, formats or parses, and puts argparse's own back after:
any other parser in the process, and ours once a command returns, speak as before. (A
second thread using argparse at that very moment would see our words too.)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import unicodedata
from collections.abc import Callable, Iterator

from sim.i18n import N_, _

# The words argparse (3.11-3.13) shows a user of our commands, marked so that our
# catalogue holds them; its messages for programming mistakes stay English.
WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("expected %s argument"),
    N_("expected %s arguments"),
)


class Kind:
    """An argument type whose name in argparse's "invalid %(type)s value" is a word of
    the language in use ("a whole number", 整数), not the Python type's name."""

    def __init__(self, convert: Callable[[str], object], word: str) -> None:
        self.convert, self.word = convert, word

    def __call__(self, text: str) -> object:
        return self.convert(text)

    @property
    def __name__(self) -> str:  # what argparse reads
        return _(self.word)


WHOLE_NUMBER = Kind(int, N_("whole number"))


def _gettext(message: str) -> str:
    return _(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _(singular if n == 1 else plural)


@contextlib.contextmanager
def argparse_in_our_words() -> Iterator[None]:
    """Inside: argparse's words come from our catalogue; after: from gettext again."""
    before = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = before


def _in_our_words(method: Callable) -> Callable:
    @functools.wraps(method)
    def speaking(self, *args, **kwargs):
        with argparse_in_our_words():
            return method(self, *args, **kwargs)

    return speaking


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Formatter(argparse.HelpFormatter):
    """argparse's help layout, with the usage's wrapped lines under its first one when
    "usage: " is in wide characters (argparse indents by the prefix's len())."""

    def _format_usage(self, usage, actions, groups, prefix):
        if prefix is None:
            prefix = _("usage: ")
        width = display_width(prefix)
        text = super()._format_usage(usage, actions, groups, " " * width)
        return prefix + text[width:]


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help, usage and errors are in the language in use; its
    subcommands' parsers are Parsers too (argparse makes them of the parent's class)."""

    def __init__(self, *args, **kwargs):  # the group titles and -h's help are made here
        kwargs.setdefault("formatter_class", Formatter)
        with argparse_in_our_words():
            super().__init__(*args, **kwargs)

    # each public step that looks a word up ("unrecognized arguments" in parse_args itself)
    parse_args = _in_our_words(argparse.ArgumentParser.parse_args)
    parse_known_args = _in_our_words(argparse.ArgumentParser.parse_known_args)
    format_usage = _in_our_words(argparse.ArgumentParser.format_usage)
    format_help = _in_our_words(argparse.ArgumentParser.format_help)
    error = _in_our_words(argparse.ArgumentParser.error)
