"""The script linter: structural problems a schema cannot see, each at its line.

Unreachable nodes, dead ends, undefined targets, unscored choices, endings without a
debrief, missing translations, unknown names in conditions, nodes that can never end,
events without a label, customer lines that repeat word for word, replies credited with
an act their words do not perform, a request for a manager the debrief cannot see.
Fatal ones are those the engine could not play: whatever lint lets through, play plays
(a reply is always available, branches never loop, every name and target exists).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sim.i18n import N_, _
from sim.problems import closest, render_path
from sim.roleplay.script import (
    FLAGS,
    NUMBERS,
    Script,
    ScriptError,
    Text,
    condition,
    load_script,
)


@dataclass(frozen=True)
class Issue:
    """One lint finding. `fatal` ones stop the script from being played at all."""

    path: tuple
    line: int | None
    message: str
    fatal: bool = False

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        field = render_path(self.path) or "(top level)"
        return f"{where}: {field}: {self.message}"


def _targets(script: Script) -> Iterator[tuple[tuple, str]]:
    """Every (path of a goto, target) in the script."""
    for nid, node in script.nodes.items():
        for i, choice in enumerate(node.choices):
            yield ("nodes", nid, "choices", i, "goto"), choice.goto
        for i, branch in enumerate(node.branches):
            yield ("nodes", nid, "branches", i, "goto"), branch.goto
    for i, event in enumerate(script.events):
        if event.goto is not None:
            yield ("events", i, "goto"), event.goto


def _edges(script: Script) -> dict[str, set[str]]:
    """Node -> the nodes it can lead to (events can land at any non-ending node)."""
    jumps = {e.goto for e in script.events if e.goto in script.nodes}
    out: dict[str, set[str]] = {}
    for nid, node in script.nodes.items():
        nxt = {c.goto for c in node.choices} | {b.goto for b in node.branches}
        out[nid] = {n for n in nxt if n in script.nodes} | (jumps if node.ending is None else set())
    return out


def _reach(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _texts(value: Any, path: tuple) -> Iterator[tuple[tuple, Text]]:
    """Every Text in a model, with its path."""
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), path + (name,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, path + (i,))


def _conditions(script: Script) -> Iterator[tuple[tuple, str]]:
    yield ("escalation_needed",), script.escalation_needed
    for nid, node in script.nodes.items():
        for i, choice in enumerate(node.choices):
            if choice.when:
                yield ("nodes", nid, "choices", i, "when"), choice.when
        for i, branch in enumerate(node.branches):
            yield ("nodes", nid, "branches", i, "when"), branch.when
    for i, event in enumerate(script.events):
        if event.when:
            yield ("events", i, "when"), event.when


def lint_script(script: Script) -> list[Issue]:
    """Every structural problem of a loaded script, sorted by line."""
    issues: list[Issue] = []

    def add(path: tuple, message: str, fatal: bool = False) -> None:
        issues.append(Issue(path, script.line(*path), message, fatal))

    nodes = script.nodes
    names = list(nodes)
    if script.start not in nodes:
        guess = closest(script.start, names)
        add(
            ("start",),
            _("undefined start node {node!r}", node=script.start) + _mean(guess),
            fatal=True,
        )
    for path, target in _targets(script):
        if target not in nodes:
            add(
                path,
                _("undefined target {node!r}", node=target) + _mean(closest(target, names)),
                fatal=True,
            )

    edges = _edges(script)
    reachable = _reach({script.start}, edges) if script.start in nodes else set(nodes)
    for nid, node in nodes.items():
        where = ("nodes", nid)
        if nid not in reachable:
            add(
                where,
                _("unreachable node {node!r}: no choice, branch or event leads here", node=nid),
            )
        if node.ending is None and not node.choices:
            add(
                where,
                _("dead end: {node!r} is not an ending and has no choices", node=nid),
                fatal=True,
            )
        if node.ending is None and node.choices and all(c.when for c in node.choices):
            add(
                where,
                _(
                    "every choice has a condition: when none holds the conversation is stuck; "
                    "give one reply no 'when:' (the reply that is always there)"
                ),
                fatal=True,
            )
        if node.ending is not None and node.choices:
            add(where + ("choices",), _("an ending's choices are never offered"))
        if node.ending is not None and node.debrief is None:
            add(
                where,
                _(
                    "ending {node!r} has no debrief: add 'debrief:' saying what went right",
                    node=nid,
                ),
            )
        for i, choice in enumerate(node.choices):
            if choice.effects.is_zero() and not choice.flags:
                add(where + ("choices", i), _("unscored choice: it has no effects and no flags"))

    for cycle in _branch_cycles(script):
        first = cycle[0]
        add(
            ("nodes", first, "branches"),
            _(
                "branches jump in a circle without a reply in between ({circle}); when their "
                "conditions hold together the play never stops; let one of them lead to a node "
                "with replies instead",
                circle=" -> ".join([*cycle, first]),
            ),
            fatal=True,
        )

    endings = {nid for nid, n in nodes.items() if n.ending is not None}
    backwards: dict[str, set[str]] = {nid: set() for nid in nodes}
    for src, dests in edges.items():
        for dst in dests:
            backwards[dst].add(src)
    can_end = _reach(endings, backwards)
    for nid in nodes:
        if nid in reachable and nid not in can_end and nodes[nid].choices:
            add(
                ("nodes", nid),
                _("no ending can be reached from {node!r} (a loop with no way out)", node=nid),
            )

    ids = [e.id for e in script.events]
    for i, eid in enumerate(ids):
        if eid in ids[:i]:
            add(("events", i, "id"), _("event id {event!r} is used twice", event=eid), fatal=True)
    known = (
        set(NUMBERS)
        | set(FLAGS)
        | set(ids)
        | set(names)
        | set(script.variables)
        | {k for e in script.events for k in e.set}
    )
    for path, text in _conditions(script):
        for name in sorted(condition(text).names() - known):
            guess = closest(name, sorted(known))
            add(path, _("unknown name {name!r} in condition", name=name) + _mean(guess), fatal=True)

    for i, event in enumerate(script.events):
        if event.label is None:
            add(
                ("events", i),
                _(
                    "event {event!r} has no label: add 'label:' (a few words the trainee sees "
                    "instead of the id), in every language of the script",
                    event=event.id,
                ),
            )
    _lint_lines(script, add)
    _lint_acts(script, add)

    if len(script.languages) > 1:
        for path, text in _texts(script, ()):
            for lang in text.missing(list(script.languages)):
                add(path, _("missing {lang} translation", lang=lang))
    return sorted(issues, key=lambda i: (i.line or 0, i.message))


def _revisited(script: Script) -> set[str]:
    """Nodes a conversation can come back to through replies and branches (on a cycle)."""
    nodes = script.nodes
    edges = {
        nid: {c.goto for c in n.choices if c.goto in nodes}
        | {b.goto for b in n.branches if b.goto in nodes}
        for nid, n in nodes.items()
    }
    return {nid for nid in nodes if nid in _reach(edges[nid], edges)}


def _lint_lines(script: Script, add: Any) -> None:
    """No customer line twice word for word; a request for a manager is marked."""
    seen: dict[tuple[str, str], str] = {}
    for nid in sorted(_revisited(script)):
        if script.nodes[nid].again is None and script.nodes[nid].ending is None:
            add(
                ("nodes", nid, "say"),
                _(
                    "the conversation can come back to {node!r} and the customer would say the "
                    "same line word for word: add 'again:' (what she says the second time)",
                    node=nid,
                ),
            )
    for nid, node in script.nodes.items():
        for key, text in (("say", node.say), ("again", node.again)):
            for lang in script.languages if text is not None else ():
                words = text.get(lang).strip()
                first = seen.setdefault((lang, words), f"{nid}.{key}")
                if first != f"{nid}.{key}":
                    add(
                        ("nodes", nid, key),
                        _("the same line as {first} ({lang}): reword one", lang=lang, first=first),
                    )
        if not node.asks_for_manager and any(
            _ASKS_MANAGER.search(node.say.get(lang)) for lang in script.languages
        ):
            add(
                ("nodes", nid, "say"),
                _(
                    "this spoken line asks for a manager: add 'asks_for_manager: true' so the "
                    "debrief counts a reply that never escalates as a miss"
                ),
            )


_ASKS_MANAGER = re.compile(
    r"(talk|speak) to (your|the|a) (store |team |duty )?(manager|supervisor|boss)"
    r"|(want|get me) (your|the|a) (manager|supervisor)"
    r"|找.{0,4}(经理|店长|主管|领导)|(叫|请).{0,3}(经理|店长|主管|领导)(来|过来)",
    re.IGNORECASE,
)

# The words that show a reply performs an act; a reply tagged with the act needs them in
# every language (heuristic: it catches "Let me look up your order" tagged acknowledged).
_EVIDENCE = {
    "apologised": (
        re.compile(r"\b(sorry|apologi[sz]e)", re.IGNORECASE),
        re.compile("抱歉|对不起|道歉|歉意"),
        N_("say sorry in it"),
    ),
    "owned_fix": (
        re.compile(
            r"\b(I'll|I will|I'm \w+ing|I am \w+ing|I've|I have \w+ed|I can|we'll|we will"
            r"|myself|personally|on us)\b",
            re.IGNORECASE,
        ),
        re.compile("我(?!们)|亲自|负责|承担|马上|立即"),
        N_("let it say what the speaker will do (I'll ..., myself; 我会…, 亲自)"),
    ),
}
_STOP_EN = frozenset(
    (
        "that",
        "this",
        "with",
        "your",
        "you're",
        "have",
        "what",
        "they",
        "them",
        "their",
        "there",
        "about",
        "would",
        "could",
        "should",
        "just",
        "been",
        "will",
        "from",
        "into",
        "only",
        "right",
        "away",
        "here",
        "please",
        "sorry",
        "thank",
        "thanks",
        "let's",
    )
)
_STOP_ZH = set("我你您他她它的了是在们这那个吗呢吧啊就都也还和与把被给")


def _content(text: str, lang: str) -> set[str]:
    """Words (en, 4+ letters) or character pairs (zh) that can name a problem."""
    if lang == "zh":
        chars = re.sub(r"[^\u3400-\u9fff]", " ", text)
        pairs = {chars[i : i + 2] for i in range(len(chars) - 1)}
        return {p for p in pairs if " " not in p and not set(p) & _STOP_ZH}
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]{3,}", text)}
    return {w.rstrip("s") for w in words - _STOP_EN}


def _lint_acts(script: Script, add: Any) -> None:
    """A reply earns a rubric point only by doing it: the tag must match the words."""
    for nid, node in script.nodes.items():
        for i, choice in enumerate(node.choices):
            where = ("nodes", nid, "choices", i, "flags")
            for lang in script.languages:
                reply = choice.text.get(lang)
                for act in ("apologised", "owned_fix"):
                    en, zh, fix = _EVIDENCE[act]
                    if act in choice.flags and not (zh if lang == "zh" else en).search(reply):
                        add(
                            where,
                            _(
                                "tagged {act} but the {lang} reply does not do it: {fix}, or "
                                "drop the tag",
                                act=act,
                                lang=lang,
                                fix=_(fix),
                            ),
                        )
                # what she said here or in her opening complaint (the problem itself)
                start = script.nodes.get(script.start, node)
                heard = _content(node.say.get(lang), lang) | _content(start.say.get(lang), lang)
                if "acknowledged" in choice.flags and not _content(reply, lang) & heard:
                    add(
                        where,
                        _(
                            "tagged acknowledged but the {lang} reply names nothing the customer "
                            "said: name her problem back to her, or drop the tag",
                            lang=lang,
                        ),
                    )


def _branch_cycles(script: Script) -> list[list[str]]:
    """Circles of branches (node -> branch target -> ... -> node), each once.

    Branches are followed on entering a node without a reply, so a circle of them whose
    conditions hold together loops forever; the linter refuses any circle (a script never
    needs one). Iterative depth-first search: a long chain of nodes cannot exhaust the stack.
    """
    nodes = script.nodes
    jumps = {
        nid: [b.goto for b in node.branches if b.goto in nodes and nodes[b.goto].ending is None]
        for nid, node in nodes.items()
        if node.ending is None
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []
    for root in jumps:
        if root in state:
            continue
        path, todo = [root], [iter(jumps[root])]
        state[root] = 1
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                todo.pop()
            elif state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :])
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                todo.append(iter(jumps[nxt]))
    return cycles


def _mean(guess: str | None) -> str:
    return _("; did you mean {guess!r}?", guess=guess) if guess else ""


def lint_file(path: str | Path) -> tuple[Script | None, list[str]]:
    """Load and lint a file: (the script or None, one rendered line per problem)."""
    try:
        script = load_script(path)
    except ScriptError as exc:
        return None, [p.render(exc.source) for p in exc.problems]
    return script, [issue.render(script.source) for issue in lint_script(script)]
