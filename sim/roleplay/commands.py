"""`python -m sim roleplay lint|play|cards`: the command-line side of the role-play package.

Exit codes as for the rest of the CLI: 0 done, 2 bad input (a script problem, bad
arguments, input that ran out), never a traceback.
"""

from __future__ import annotations

import sys

from sim.i18n import N_, _
from sim.outputs import OutputError, write_file
from sim.roleplay.lint import lint_file, lint_script
from sim.roleplay.pair import cards_document
from sim.roleplay.player_terminal import play_terminal, ui
from sim.roleplay.script import Script, ScriptError, load_script


def lint_command(files: list[str]) -> int:
    """Lint each file; print `file:line: message` per problem. 2 if any, else 0."""
    status = 0
    for name in files:
        script, problems = lint_file(name)
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            status = 2
        else:
            print(
                _(
                    "{file}: ok ({id}, {nodes} nodes, {events} events)",
                    file=name,
                    id=script.id,
                    nodes=len(script.nodes),
                    events=len(script.events),
                )
            )
    return status


CANNOT_PLAY = N_("{file}: cannot play this script:")
CANNOT_PRINT = N_("{file}: cannot print cards of this script:")


def _playable(file: str, cannot: str = CANNOT_PLAY) -> Script | None:
    """The script, or None after printing why it cannot be used (load or fatal lint);
    `cannot` heads the list of fatal problems."""
    try:
        script = load_script(file)
    except ScriptError as exc:
        print(exc.report(), file=sys.stderr)
        return None
    fatal = [i.render(script.source) for i in lint_script(script) if i.fatal]
    if fatal:
        print("\n".join([_(cannot, file=file), *fatal]), file=sys.stderr)
        return None
    return script


def cards_command(files: list[str], out: str, lang: str = "both", force: bool = False) -> int:
    """Write the customer cards (and agent views) of `files` to one printable HTML file."""
    scripts = [_playable(name, CANNOT_PRINT) for name in files]
    if any(s is None for s in scripts):
        return 2
    missing = [s.source for s in scripts if s.customer is None]
    if missing:
        message = _(
            "{files}: no customer card to print; add a 'customer:' section ({fields})",
            files=", ".join(missing),
            fields="name, persona, goal, triggers, lines",
        )
        print(message, file=sys.stderr)
        return 2
    languages = ["en", "zh"] if lang == "both" else [lang]
    try:
        written = write_file(out, cards_document(scripts, languages), force=force)
    except OutputError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(
        _(
            "{file}: {n} customer card(s) in {languages}",
            file=written,
            n=len(scripts),
            languages=", ".join(languages),
        )
    )
    return 0


def play_command(file: str, lang: str | None = None, seed: int = 0) -> int:
    """Play a script in the terminal; refuses a script with fatal lint problems."""
    script = _playable(file)
    if script is None:
        return 2
    echo = not sys.stdin.isatty()

    def read(prompt: str) -> str:
        answer = input(prompt)
        if echo:  # piped input: show the answer so the session reads like a transcript
            print(answer)
        return answer

    try:
        play_terminal(script, lang=lang, seed=seed, read=read)
    except EOFError:
        print("\n" + ui("eof", lang), file=sys.stderr)
        return 2
    return 0
