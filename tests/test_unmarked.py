"""No error a user can meet is raised in English only: every `raise X("text")` or
`raise X(f"...")` in sim/ goes through the catalogue, except the programmer's errors listed
here (a broken install, a misuse of an internal API), each with its reason."""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[1] / "sim"

# (file under sim/, exception): why a user of the workbench never reads it
PROGRAMMERS = {
    ("lazy.py", "AttributeError"): "Python's own wording for a missing name",
    ("loyalty/accounting.py", "ValueError"): "an internal replay, called on points programs",
    ("loyalty/engine.py", "TypeError"): "the schema's union of rules is closed",
    ("roleplay/engine.py", "IndexError"): "the players pass positions they listed",
    ("experiments/stats.py", "ValueError"): "paired runs come from the runner, equal in length",
    ("world/__init__.py", "RuntimeError"): "sim.run makes a new World for every run",
    ("world/clock.py", "ImportError"): "the pinned SimPy is installed by make",
    ("world/clock.py", "ValueError"): "the world schedules only forward",
    ("world/profiles.py", "ValueError"): "the population is validated before profiles",
    ("world/rng.py", "ValueError"): "keys are made by the world",
    ("world/store.py", "ValueError"): "columns are declared by the world's subsystems",
    ("world/store.py", "AttributeError"): "Python's own wording for a missing column",
}


def raw_messages(root: Path = SIM) -> list[tuple[str, int, str]]:
    """(file, line, exception) of every raise whose message is a bare string literal."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            args = node.exc.args
            first = args[0] if args else None
            text = isinstance(first, ast.JoinedStr) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
            )
            if text:
                name = getattr(node.exc.func, "id", getattr(node.exc.func, "attr", "?"))
                found.append((path.relative_to(root).as_posix(), node.lineno, name))
    return found


def test_every_message_a_user_can_read_goes_through_the_catalogue() -> None:
    unmarked = [(f, line, e) for f, line, e in raw_messages() if (f, e) not in PROGRAMMERS]
    assert not unmarked, "wrap these messages in _() and translate them: " + ", ".join(
        f"sim/{f}:{line} ({e})" for f, line, e in unmarked
    )


def test_the_finder_sees_an_unmarked_message_and_the_list_has_no_stale_entry(tmp_path) -> None:
    (tmp_path / "m.py").write_text(
        'raise ValueError(f"bad {x}")\nraise KeyError("no")\nraise ValueError(_("ok"))\n'
    )
    assert raw_messages(tmp_path) == [("m.py", 1, "ValueError"), ("m.py", 2, "KeyError")]
    seen = {(f, e) for f, _line, e in raw_messages()}
    assert set(PROGRAMMERS) <= seen, set(PROGRAMMERS) - seen
