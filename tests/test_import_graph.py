"""No import cycles in sim/: the static import graph, read with ast, has none.

Every import counts, at the top of a module or inside a function. An import under
`if TYPE_CHECKING:` counts for the type checker only: it is left out of the run-time graph,
and in the type checker's graph the one cycle allowed is sim.world's submodules naming World
in their type hints. The test builds both graphs, and shows on a small made-up package that
it finds a cycle when there is one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# the cycles issue 17 (part 8) broke: none of these pairs may import each other back
BROKEN = [
    ("sim.experiments.compare", "sim.views.report"),
    ("sim.loyalty.earning", "sim.loyalty.results"),
    ("sim.cli", "sim.experiments.command"),
    ("sim.cli", "sim.tournament.command"),
]


def modules(root: Path, package: str = "sim") -> dict[str, Path]:
    """Dotted module name -> file, for every .py under root/package."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(name: str, path: Path, known: dict[str, Path], typing: bool) -> set[str]:
    """The modules of `known` that module `name` imports (`from pkg import sub` names the
    submodule when it is one, else the package); under TYPE_CHECKING only if `typing`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child) and not typing:
                for other in child.orelse:
                    visit_node(other)
                continue
            visit_node(child)

    def visit_node(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in known:
                    found.add(sub)
                elif base in known:
                    found.add(base)
        visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return found


def graph(root: Path, typing: bool, package: str = "sim") -> dict[str, set[str]]:
    known = modules(root, package)
    return {name: imports_of(name, path, known, typing) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return sorted(found)


def reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        v = todo.pop()
        if v == goal:
            return True
        if v not in seen:
            seen.add(v)
            todo.extend(edges.get(v, ()))
    return False


def test_no_import_cycle_at_run_time():
    assert cycles(graph(ROOT, typing=False)) == []


def test_type_hints_cycle_only_through_world():
    """For the type checker too, the only cycle is sim.world's submodules naming World."""
    found = cycles(graph(ROOT, typing=True))
    assert all(all(m == "sim.world" or m.startswith("sim.world.") for m in c) for c in found)


@pytest.mark.parametrize(("a", "b"), BROKEN, ids=lambda m: m)
def test_the_broken_cycles_stay_broken(a, b):
    edges = graph(ROOT, typing=True)
    assert a in edges and b in edges, "renamed? update BROKEN"
    assert not (reaches(edges, a, b) and reaches(edges, b, a))


def test_experiments_never_import_views_except_the_command():
    """Imports point down the flow (DESIGN.md): the experiments know no charts; only the
    compare command, the CLI's face of them, draws its report."""
    edges = graph(ROOT, typing=True)
    for name, targets in edges.items():
        if name.startswith("sim.experiments") and name != "sim.experiments.command":
            assert not [t for t in targets if t.startswith("sim.views")], name


def test_the_graph_finds_a_cycle_when_there_is_one(tmp_path):
    pkg = tmp_path / "toy"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from toy.sub import b\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("def f():\n    from ..c import g\n")
    (pkg / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from toy import a\n"
        "else:\n    import toy.d\n"
    )
    (pkg / "d.py").write_text("from toy import a\n")
    runtime = graph(tmp_path, typing=False, package="toy")
    assert runtime["toy.a"] == {"toy.sub.b"} and runtime["toy.sub.b"] == {"toy.c"}
    assert runtime["toy.c"] == {"toy.d"}
    assert cycles(runtime) == [["toy.a", "toy.c", "toy.d", "toy.sub.b"]]
    (pkg / "d.py").write_text("")
    assert cycles(graph(tmp_path, typing=False, package="toy")) == []
    assert cycles(graph(tmp_path, typing=True, package="toy")) == [["toy.a", "toy.c", "toy.sub.b"]]
