"""Conditions in role-play scripts: a tiny, safe expression language parsed here (no eval).

`trust < 30 and not manager_away`, `hours >= 48 or posted_online`, `(mood > 60) == true`.
Names are looked up in the running state: numbers (mood, trust, hours, ...) or flags,
events and variables (true/false). Parsed once at load time, so a typo is a load error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.i18n import _

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_]\w*)|(?P<op><=|>=|==|!=|<|>|\(|\)|-))"
)
_COMPARE = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
_WORDS = {"and", "or", "not", "true", "false"}
MAX_DEPTH = 20  # parentheses and 'not's inside each other; people write two or three


class ExprError(ValueError):
    """A condition that cannot be parsed; the message says where and why."""


@dataclass(frozen=True)
class Expr:
    """A parsed condition: its source text and its syntax tree (nested tuples)."""

    source: str
    tree: tuple

    def names(self) -> set[str]:
        """Every name the condition reads (for the linter to check they exist)."""
        out: set[str] = set()

        def visit(node: tuple) -> None:
            if node[0] == "name":
                out.add(node[1])
            for child in node[1:]:
                if isinstance(child, tuple):
                    visit(child)

        visit(self.tree)
        return out

    def evaluate(self, lookup: Callable[[str], Any]) -> bool:
        """True or false in the state that `lookup` reads names from."""
        return bool(_eval(self.tree, lookup))


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(
                _(
                    "unexpected {text} at column {column}",
                    text=repr(text[pos:].strip()[:1]),
                    column=pos + 1,
                )
            )
        out.append(m.group(m.lastgroup))
        pos = m.end()
    return out


class _Parser:
    """Recursive descent with its depth counted, so no condition can exhaust the stack."""

    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(
                _(
                    "more than {n} levels of '(' or 'not' inside each other; "
                    "write it flatter (not not x is x)",
                    n=MAX_DEPTH,
                )
            )

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ExprError(_("the condition ends too early"))
        self.i += 1
        return tok

    def parse(self) -> tuple:
        tree = self.or_()
        if self.peek() is not None:
            raise ExprError(
                _("unexpected {text} after a complete condition", text=repr(self.peek()))
            )
        return tree

    def or_(self) -> tuple:
        # a chain a or b or c is one node with every operand: the tree stays shallow
        parts = [self.and_()]
        while self.peek() == "or":
            self.take()
            parts.append(self.and_())
        return ("or", *parts) if len(parts) > 1 else parts[0]

    def and_(self) -> tuple:
        parts = [self.not_()]
        while self.peek() == "and":
            self.take()
            parts.append(self.not_())
        return ("and", *parts) if len(parts) > 1 else parts[0]

    def not_(self) -> tuple:
        if self.peek() == "not":
            self.take()
            self.deeper()
            inner = self.not_()
            self.depth -= 1
            return ("not", inner)
        return self.compare()

    def compare(self) -> tuple:
        left = self.atom()
        if self.peek() in _COMPARE:
            op = self.take()
            return ("cmp", op, left, self.atom())
        return left

    def atom(self) -> tuple:
        tok = self.take()
        if tok == "(":
            self.deeper()
            inner = self.or_()
            if self.take() != ")":
                raise ExprError(_("a '(' is never closed"))
            self.depth -= 1
            return inner
        if tok == "-":
            return ("num", -float(self.take()))
        if tok in ("true", "false"):
            return ("num", tok == "true")
        if tok[0].isdigit():
            return ("num", float(tok))
        if tok in _WORDS or not (tok[0].isalpha() or tok[0] == "_"):
            raise ExprError(_("expected a name or a number, found {text}", text=repr(tok)))
        return ("name", tok)


def parse(text: str) -> Expr:
    """Parse a condition, or raise ExprError saying what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError(_("an empty condition"))
    try:
        return Expr(text.strip(), _Parser(text).parse())
    except ValueError as exc:  # float() of a bad token after '-'
        if isinstance(exc, ExprError):
            raise
        raise ExprError(str(exc)) from None


def _eval(node: tuple, lookup: Callable[[str], Any]) -> Any:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "name":
        return lookup(node[1])
    if kind == "not":
        return not _eval(node[1], lookup)
    if kind == "and":  # Python's and/or: the first operand that decides, short-circuit
        for child in node[1:]:
            value = _eval(child, lookup)
            if not value:
                return value
        return value
    if kind == "or":
        for child in node[1:]:
            value = _eval(child, lookup)
            if value:
                return value
        return value
    _, op, left, right = node
    return _COMPARE[op](_eval(left, lookup), _eval(right, lookup))
