"""The Chinese notebooks (notebooks/zh/) are twins of the English ones: the same cells in the
same order, markdown translated, code identical token by token, except that comments may be
translated, a string literal may be translated where its Chinese holds CJK characters, and
the first code cell sets the language (`sim.set_language("zh")`, plus `import sim` where the
English cell does not import it). Outside the comments and the translated strings, nothing may
differ: a changed number or name is drift.

    python -m tools.zh_notebooks check   # list every drift and every missing twin (exit 1)
    python -m tools.zh_notebooks sync    # copy drifted English code cells into the twins
    python -m tools.zh_notebooks new 03_loyalty_design.ipynb   # start a twin to translate

Sim-free on purpose: it reads notebooks as JSON (nbformat) and code with `tokenize`.
"""

from __future__ import annotations

import argparse
import ast
import copy
import difflib
import io
import os
import re
import sys
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ZH = "zh"
LANGUAGE_LINE = 'sim.set_language("zh")'
IMPORT_SIM = "import sim"
# CJK ideographs (with extension A and compatibility), CJK punctuation, full-width forms
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_BY_TYPE_ONLY = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}  # layout, not content
_CLOSING = {")", "]", "}"}
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)  # Python 3.12+ splits f-strings
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


@dataclass(frozen=True)
class Drift:
    """One difference between a zh notebook and its English original."""

    notebook: str  # the zh notebook, as notebooks/zh/NAME
    cell: int | None  # 1-based position among all cells; None: the whole notebook
    line: int | None  # 1-based line in the zh cell
    message: str

    def __str__(self) -> str:
        where = self.notebook
        if self.cell is not None:
            where += f", cell {self.cell}"
        if self.line is not None:
            where += f", line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Token:
    """A significant token of a code cell: its kind, text and 1-based line."""

    kind: str
    text: str
    line: int


def pairs(root: Path = NOTEBOOKS) -> list[tuple[Path, Path]]:
    """Each English notebook of `root` with the path of its zh twin (which may not exist)."""
    return [(en, root / ZH / en.name) for en in sorted(root.glob("*.ipynb"))]


def missing_twins(root: Path = NOTEBOOKS) -> list[str]:
    """Problems of the pairing itself: English notebooks without a twin, twins without one."""
    problems = [
        f"{ZH}/{en.name}: missing; every English notebook needs a Chinese twin of the same name"
        for en, zh in pairs(root)
        if not zh.exists()
    ]
    problems += [
        f"{ZH}/{zh.name}: no English notebook {zh.name} in {root.name}/ (rename or remove it)"
        for zh in sorted((root / ZH).glob("*.ipynb"))
        if not (root / zh.name).exists()
    ]
    return problems


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _read(notebook: Path | dict) -> dict:
    if isinstance(notebook, dict):
        return notebook
    return nbformat.read(notebook, as_version=4)


def is_language_line(line: str) -> bool:
    """True for the line a zh first code cell adds: sim.set_language("zh") (either quotes)."""
    return line.strip().replace("'", '"') == LANGUAGE_LINE


def tokens(source: str) -> list[Token]:
    """The significant tokens of `source`: comments and blank or continued lines dropped, a
    trailing comma that ends a line before a closing bracket dropped (ruff adds it when a longer
    translated string makes it split a call), an f-string kept as one STRING token."""
    raw = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    out: list[Token] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if tok.type == _FSTRING_START:  # 3.12+: gather the whole f-string back into one
            depth, j = 0, i
            while True:
                depth += raw[j].type == _FSTRING_START
                depth -= raw[j].type == _FSTRING_END
                if depth == 0:
                    break
                j += 1
            out.append(Token("STRING", _slice(lines, tok.start, raw[j].end), tok.start[0]))
            i = j + 1
            continue
        if tok.type in _SKIPPED or (tok.type == tokenize.OP and _trailing_comma(raw, i)):
            i += 1
            continue
        text = "" if tok.type in _BY_TYPE_ONLY else tok.string
        out.append(Token(tokenize.tok_name[tok.type], text, tok.start[0]))
        i += 1
    return out


def _trailing_comma(raw: list[tokenize.TokenInfo], i: int) -> bool:
    if raw[i].string != ",":
        return False
    j, line_ends = i + 1, False
    while j < len(raw) and raw[j].type in (tokenize.NL, tokenize.COMMENT):
        line_ends |= raw[j].type == tokenize.NL
        j += 1
    return line_ends and j < len(raw) and raw[j].string in _CLOSING


def _slice(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    (r0, c0), (r1, c1) = start, end
    if r0 == r1:
        return lines[r0 - 1][c0:c1]
    return lines[r0 - 1][c0:] + "".join(lines[r0 : r1 - 1]) + lines[r1 - 1][:c1]


def _string_parts(text: str) -> tuple[str, str]:
    """A string literal's prefix (lowercase, sorted) and its body between the quotes."""
    m = re.match(r"([A-Za-z]*)('''|\"\"\"|'|\")", text)
    if not m:
        return "", text
    prefix, quote = m.group(1), m.group(2)
    return "".join(sorted(prefix.lower())), text[len(prefix) + len(quote) : -len(quote)]


def _fields(body: str) -> list[str]:
    """The replacement fields of an f-string body ({n:,}, {len(x)}), sorted: Chinese may put
    them in another order, but must keep every one."""
    body = body.replace("{{", "").replace("}}", "")
    return sorted(re.sub(r"\s+", "", f) for f in re.findall(r"\{[^{}]*\}", body))


def _same_token(en: Token, zh: Token) -> bool:
    if en.kind != zh.kind:
        return False
    if en.text == zh.text:
        return True
    if zh.kind != "STRING" or not CJK.search(zh.text):
        return False
    (en_prefix, en_body), (zh_prefix, zh_body) = _string_parts(en.text), _string_parts(zh.text)
    if en_prefix != zh_prefix:
        return False
    return "f" not in en_prefix or _fields(en_body) == _fields(zh_body)


def strip_language_lines(source: str, english: str) -> tuple[str, list[str]]:
    """`source` (a zh first code cell) without the lines it may add to `english`: exactly one
    sim.set_language("zh"), and `import sim` where the English cell lacks it. Returns the rest
    (the lines blanked, so line numbers stay) and what is wrong with the added lines."""
    lines = source.split("\n")
    problems: list[str] = []
    found = [i for i, line in enumerate(lines) if is_language_line(line)]
    if not found:
        problems.append(f"the first code cell must set the language: add {LANGUAGE_LINE}")
    elif len(found) > 1:
        problems.append(f"{LANGUAGE_LINE} appears {len(found)} times; keep exactly one")
    for i in found:
        lines[i] = ""
    english_imports_sim = any(line.strip() == IMPORT_SIM for line in english.split("\n"))
    if not english_imports_sim:
        for i, line in enumerate(lines):
            if line.strip() == IMPORT_SIM:
                lines[i] = ""
                break
    return "\n".join(lines), problems


def cell_drift(en_source: str, zh_source: str) -> list[tuple[int | None, str]]:
    """How the code of a zh cell differs from its English cell, as (zh line, message): the first
    token that differs, or that the code cannot be read. Empty when the cell is a faithful twin."""
    try:
        en_tokens, zh_tokens = tokens(en_source), tokens(zh_source)
    except (tokenize.TokenError, SyntaxError) as err:
        return [(None, f"the code cannot be read by tokenize ({err}); fix or re-sync the cell")]
    for en, zh in zip(en_tokens, zh_tokens, strict=False):
        if not _same_token(en, zh):
            return [
                (
                    zh.line,
                    f"expected {en.kind} {en.text!r} (English line {en.line}), "
                    f"found {zh.kind} {zh.text!r}",
                )
            ]
    if len(en_tokens) > len(zh_tokens):
        en = en_tokens[len(zh_tokens)]
        return [
            (None, f"the cell ends early: expected {en.kind} {en.text!r} (English line {en.line})")
        ]
    if len(zh_tokens) > len(en_tokens):
        zh = zh_tokens[len(en_tokens)]
        return [(zh.line, f"extra {zh.kind} {zh.text!r}: the English cell ends before it")]
    return []


def code_drift(en: Path | dict, zh: Path | dict, name: str | None = None) -> list[Drift]:
    """Every way the zh notebook `zh` differs from its English original `en` outside prose:
    cell count or kinds out of step, the language line missing or doubled, and per code cell
    the first token that differs (comments ignored; a string's content ignored when the zh
    string holds CJK characters, an f-string keeping its {fields})."""
    if name is None:
        name = f"{ZH}/{zh.name}" if isinstance(zh, Path) else "zh notebook"
    en_cells, zh_cells = _read(en)["cells"], _read(zh)["cells"]
    kinds = [c["cell_type"] for c in en_cells], [c["cell_type"] for c in zh_cells]
    if kinds[0] != kinds[1]:
        at = next(
            (i for i, (a, b) in enumerate(zip(*kinds, strict=False)) if a != b),
            min(map(len, kinds)),
        )
        en_kind = kinds[0][at] if at < len(kinds[0]) else "no cell"
        zh_kind = kinds[1][at] if at < len(kinds[1]) else "no cell"
        message = (
            f"cells out of step: English has {len(kinds[0])} cells, zh {len(kinds[1])}; here "
            f"English has {en_kind}, zh {zh_kind} (add or remove the cell to match English)"
        )
        return [Drift(name, at + 1, None, message)]
    drifts: list[Drift] = []
    first = True
    for i, (en_cell, zh_cell) in enumerate(zip(en_cells, zh_cells, strict=True)):
        if en_cell["cell_type"] != "code":
            continue
        en_source, zh_source = _source(en_cell), _source(zh_cell)
        if first:
            zh_source, problems = strip_language_lines(zh_source, en_source)
            drifts += [Drift(name, i + 1, None, p) for p in problems]
            first = False
        drifts += [Drift(name, i + 1, line, m) for line, m in cell_drift(en_source, zh_source)]
    return drifts


def untranslated(zh: Path | dict, name: str | None = None) -> list[Drift]:
    """The markdown cells of a zh notebook still in English: Latin letters, no Chinese."""
    if name is None:
        name = f"{ZH}/{zh.name}" if isinstance(zh, Path) else "zh notebook"
    return [
        Drift(name, i + 1, None, "markdown still in English: translate it")
        for i, cell in enumerate(_read(zh)["cells"])
        if cell["cell_type"] == "markdown"
        and re.search("[A-Za-z]", _source(cell))
        and not CJK.search(_source(cell))
    ]


def check(root: Path = NOTEBOOKS) -> list[str]:
    """Every problem of the zh twins under `root`, as lines to print: missing twins, drift,
    markdown left in English."""
    problems = missing_twins(root)
    for en, zh in pairs(root):
        if zh.exists():
            problems += [str(d) for d in code_drift(en, zh) + untranslated(zh)]
    return problems


def new_twin(en: Path, zh: Path) -> None:
    """Start the zh twin of `en`: its cells copied, outputs cleared, the language line set.
    Its markdown is still English: `check` lists it until it is translated."""
    if zh.exists():
        raise FileExistsError(f"{zh}: already exists; edit it, or `sync` its code")
    nb = copy.deepcopy(_read(en))
    first = True
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            if first:
                cell["source"], first = with_language_line(_source(cell)), False
    zh.parent.mkdir(parents=True, exist_ok=True)
    write_notebook(nb, zh)


def with_language_line(english: str) -> str:
    """The zh version of an English first code cell: `import sim` added among the imports
    where missing, and sim.set_language("zh") as the first statement after the imports."""
    lines = english.split("\n")
    if not any(line.strip() == IMPORT_SIM for line in lines):
        at = next(
            (i for i, line in enumerate(lines) if re.match(r"(from sim[ .]|import sim\.)", line)),
            None,
        )
        if at is None:  # no sim import at all: after the leading imports, as its own block
            at = _end_of_imports(lines)
            lines[at:at] = ["", IMPORT_SIM] if at else [IMPORT_SIM]
        else:
            lines.insert(at, IMPORT_SIM)
    end = _end_of_imports(lines)
    if end < len(lines) and not lines[end].strip():
        end += 1  # keep the blank line after the imports before the language line
        lines.insert(end, LANGUAGE_LINE)
    else:
        lines[end:end] = ["", LANGUAGE_LINE] if end else [LANGUAGE_LINE]
    return "\n".join(lines)


def _end_of_imports(lines: list[str]) -> int:
    """The index of the first line after the cell's leading import statements (0: none)."""
    end = 0
    for node in ast.parse("\n".join(lines)).body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            break
        end = node.end_lineno or end
    return end


def _signature(source: str) -> tuple[tuple[str, str], ...]:
    """A code cell's tokens with every string's content blanked: how sync pairs cells."""
    try:
        return tuple((t.kind, "" if t.kind == "STRING" else t.text) for t in tokens(source))
    except (tokenize.TokenError, SyntaxError):
        return (("SOURCE", source),)


def sync_notebook(en_path: Path, zh_path: Path) -> tuple[dict, list[str]]:
    """The zh notebook with English code where it drifted, and what changed. Code cells are
    paired in order (when the English notebook gained or lost code cells, by their tokens);
    a zh cell whose tokens still match is kept with its translated strings and comments,
    a drifted one becomes the English cell. Markdown is left alone."""
    en_nb, zh_nb = _read(en_path), _read(zh_path)
    zh_nb = copy.deepcopy(zh_nb)
    en_code = [c for c in en_nb["cells"] if c["cell_type"] == "code"]
    zh_at = [i for i, c in enumerate(zh_nb["cells"]) if c["cell_type"] == "code"]
    changes: list[str] = []
    pairing: list[tuple[int | None, int | None]] = []  # (English code index, zh cell index)
    if len(en_code) == len(zh_at):
        pairing = list(zip(range(len(en_code)), zh_at, strict=True))
    else:
        en_sig = [_signature(_source(c)) for c in en_code]
        zh_sig = [_signature(_source(zh_nb["cells"][i])) for i in zh_at]
        matcher = difflib.SequenceMatcher(a=en_sig, b=zh_sig, autojunk=False)
        for _op, a0, a1, b0, b1 in matcher.get_opcodes():
            for k in range(max(a1 - a0, b1 - b0)):
                pairing.append(
                    (a0 + k if a0 + k < a1 else None, zh_at[b0 + k] if b0 + k < b1 else None)
                )
    cells = list(zh_nb["cells"])
    new_cells: dict[int, list[dict]] = {}  # zh cell index -> English-only cells after it
    drop: set[int] = set()
    last = -1
    for en_i, zh_i in pairing:
        if en_i is None:
            drop.add(zh_i)
            changes.append(f"cell {zh_i + 1}: removed (no longer in the English notebook)")
            continue
        source = _source(en_code[en_i])
        if en_i == 0:
            source = with_language_line(source)
        if zh_i is None:
            cell = nbformat.v4.new_code_cell(source)
            cell["metadata"] = copy.deepcopy(en_code[en_i].get("metadata", {}))
            new_cells.setdefault(last, []).append(cell)
            changes.append(f"after cell {last + 1}: English code cell {en_i + 1} added")
            continue
        last = zh_i
        zh_source = _source(cells[zh_i])
        compare = zh_source
        if en_i == 0:
            compare, problems = strip_language_lines(zh_source, _source(en_code[en_i]))
            if problems:
                compare = None
        if compare is not None and not cell_drift(_source(en_code[en_i]), compare):
            continue
        cells[zh_i] = copy.deepcopy(cells[zh_i])
        cells[zh_i]["source"] = source
        cells[zh_i]["outputs"], cells[zh_i]["execution_count"] = [], None
        changes.append(f"cell {zh_i + 1}: English code copied in (it had drifted)")
    rebuilt = list(new_cells.get(-1, []))
    for i, cell in enumerate(cells):
        if i not in drop:
            rebuilt.append(cell)
        rebuilt += new_cells.get(i, [])
    zh_nb["cells"] = rebuilt
    return zh_nb, changes


def write_notebook(notebook: dict, path: Path) -> None:
    """Write `notebook` to `path` through a temporary file, so a stop never leaves half a file."""
    text = nbformat.writes(nbformat.from_dict(notebook), version=4)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text if text.endswith("\n") else text + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sync(root: Path = NOTEBOOKS) -> list[str]:
    """Bring every existing zh twin's code back in step with English; returns what changed."""
    done: list[str] = []
    for en, zh in pairs(root):
        if not zh.exists():
            continue
        notebook, changes = sync_notebook(en, zh)
        if changes:
            write_notebook(notebook, zh)
            done += [f"{ZH}/{zh.name}, {c}" for c in changes]
    return done


def main(argv: list[str] | None = None) -> int:
    """`check`: print every problem, exit 1 if any. `sync`: copy drifted code, then check.
    `new NAME...`: start twins to translate."""
    parser = argparse.ArgumentParser(prog="python -m tools.zh_notebooks", description=__doc__)
    parser.add_argument("command", choices=["check", "sync", "new"])
    parser.add_argument("names", nargs="*", help="new: the English notebooks to start twins of")
    parser.add_argument("--root", type=Path, default=NOTEBOOKS, help="the notebooks folder")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(
            f"{args.root}: no such folder; give the notebooks folder with --root", file=sys.stderr
        )
        return 2
    if args.command == "new":
        for name in args.names:
            en, zh = args.root / Path(name).name, args.root / ZH / Path(name).name
            if not en.exists() or zh.exists():
                why = "no such English notebook" if not en.exists() else "its twin exists"
                print(f"{en}: {why}; nothing written", file=sys.stderr)
                return 2
            new_twin(en, zh)
            print(f"{ZH}/{zh.name}: started; translate its markdown, then run check")
        return 0
    if args.command == "sync":
        for line in sync(args.root):
            print(line)
    problems = check(args.root)
    for line in problems:
        print(line, file=sys.stderr)
    if not problems:
        print(f"{len(pairs(args.root))} notebooks and their zh twins: code in step")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
