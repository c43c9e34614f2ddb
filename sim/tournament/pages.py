"""The tournament's pages: leaderboard (HTML + CSV) and one debrief page per team.

Self-contained HTML (inline styles, charts as embedded PNG) that opens offline. Coaching
sentences are generated from the team's numbers against the field's.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim import figures
from sim.filenames import unique_stems
from sim.i18n import N_, _, language_in_use
from sim.tournament.run import Tournament
from sim.tournament.trainer import SCORED
from sim.views.fonts import cjk_fonts
from sim.views.report import PAGE_CSS, fmt

CSS = (
    PAGE_CSS
    + """h2{margin-top:1.6em;border-bottom:1px solid #ddd} td.l{text-align:left}
td.good{background:#d9f2dd} td.bad{background:#f9d9d6}
"""
)
SHOWN = [*SCORED, "revenue", "active_at_end", "reward_cost", "discounts", "outreach_cost",
         "compensation_cost", "staff_cost", "messages", "opted_out", "promise_kept",
         "first_response_hours", "won_back"]  # fmt: skip
ROUND_KINDS = {"practice": N_("practice"), "scored": N_("scored")}
INTERVAL = N_("{low} to {high}")
METRIC, CI95 = N_("metric"), N_("95% CI")
HIT_HARDER = N_(
    "The shock moved your retention by {mine:+.1f} percentage points (the field: {field:+.1f}); "
    "it hit you harder than the field."
)
HIT_LESS = N_(
    "The shock moved your retention by {mine:+.1f} percentage points (the field: {field:+.1f}); "
    "it hit you less than the field."
)
HIT_SAME = N_(
    "The shock moved your retention by {mine:+.1f} percentage points (the field: {field:+.1f}); "
    "it hit you about as hard as the field."
)


def _e(x: object) -> str:
    return html.escape(str(x))


def _page(title: str, body: str) -> str:
    lang = "zh-CN" if language_in_use() == "zh" else "en"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{_e(title)}'
        f"</title><style>{CSS}</style></head><body>{body}</body></html>\n"
    )


@cjk_fonts()  # tick labels are made while drawing
def _png(fig: Figure) -> str:
    """The chart as an embedded PNG, its title (in the language in use) as its alt text."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    alt = _e(fig.axes[0].get_title()) if fig.axes else ""
    return f'<img alt="{alt}" src="data:image/png;base64,{data}">'


def _unit(metric: str) -> str:
    return figures.info(metric).unit


def _label(metric: str) -> str:
    return figures.info(metric).label


def _f(t: Tournament, value: float, metric: str, signed: bool = False) -> str:
    """`value` of `metric` as the pages write it (sim.figures.fmt: its unit, money with the
    scenario's currency)."""
    return fmt(value, _unit(metric), signed, currency=t.scenario.catalogue.currency)


def _z(value: float) -> str:
    """A z-score or a score built from them: signed, two decimals (+0.64)."""
    return fmt(value, "z")


def _rounds_note(t: Tournament) -> str:
    parts = []
    for r in t.rounds:
        start = t.scenario.start_date
        shocks = _(", ").join(
            _(
                "{shock} from {date} (day {day}) for {days}",
                shock=s.name,
                date=fmt(s.day, "days", start=start),
                day=fmt(s.day),
                days=fmt(s.duration_days, "days"),
            )
            for s in r.shocks or []
        ) or _("no shock")
        kind = _(ROUND_KINDS.get(r.round.kind, r.round.kind))
        parts.append(f"<li><b>{_e(r.round.name)}</b> ({_e(kind)}): {_e(shocks)}</li>")
    return "<ul>" + "".join(parts) + "</ul>"


def _pages(t: Tournament) -> dict[str, str]:
    """Team name -> its debrief page's file stem (read_teams settles them before the runs)."""
    if all(team.page for team in t.teams):
        return {team.name: team.page for team in t.teams}
    return unique_stems([team.name for team in t.teams], fallback="team")


def leaderboard_html(t: Tournament) -> str:
    """The leaderboard page: rank, score, per-round scores, the scored metrics and links."""
    board = t.leaderboard()
    pages = _pages(t)
    rounds = [c for c in board.columns if c.startswith("score[")]
    head = "".join(f"<th>{_e(c[6:-1])}</th>" for c in rounds)
    head += "".join(f"<th>{_e(_label(m))}</th>" for m in SCORED)
    rows = []
    for _row, r in board.iterrows():
        link = f'<a href="teams/{quote(pages[r["team"]])}.html">{_e(r["team"])}</a>'
        cells = "".join(f"<td>{_z(r[c])}</td>" for c in rounds)
        for m in SCORED:
            z = r[f"z_{m}"]
            cls = "good" if z > 0.5 else "bad" if z < -0.5 else ""
            cells += f'<td class="{cls}">{_f(t, r[m], m)}</td>'
        rows.append(
            f"<tr><td>{fmt(r['rank'])}</td><td class='l'>{link}</td>"
            f"<td><b>{_z(r['score'])}</b></td>{cells}</tr>"
        )
    weights = _(", ").join(f"{_label(m)} {fmt(w, 'number')}" for m, w in t.trainer.weights.items())
    title = _("{name}: leaderboard", name=t.trainer.name)
    meta = _(
        "{scenario}; {kind} rounds; {n} replications per team and round (the same seeds for "
        "every team); {customers} initial customers, {days}.",
        scenario=t.scenario.name,
        kind=_(ROUND_KINDS.get(t.kind, t.kind)),
        n=len(t.rounds[0].seeds),
        customers=fmt(t.scenario.population.initial_customers),
        days=fmt(t.scenario.horizon_days, "days"),
    )
    how = _(
        "For each metric, a team's mean over the replications becomes a z-score across the "
        "teams: (team − field mean) / spread, signed so that higher is better (lower "
        "liability and fewer complaints score higher), capped at ±{cap:g}. Differences "
        "smaller than the metric's noise floor barely count. The score is the weighted mean "
        "of the z-scores ({weights}), averaged over the rounds. Green: clearly better than "
        "the field; red: clearly worse.",
        cap=t.trainer.z_cap,
        weights=weights,
    )
    body = (
        f"<h1>{_e(title)}</h1><p class='meta'>{_e(meta)}</p>{_rounds_note(t)}"
        + _header_row(N_("rank"), N_("team"), N_("score"), more=head)
        + "".join(rows)
        + "</table><p class='note'>"
        + _tag("b", N_("How the score works."))
        + f" {_e(how)}</p>"
    )
    return _page(title, body)


def coaching(t: Tournament, team: str) -> list[str]:
    """A few coaching sentences from a team's numbers against the field's."""
    board = t.leaderboard().set_index("team")
    me, field = board.loc[team], board.drop(index=team)
    means = pd.concat([t.means(r.round.name) for r in t.rounds]).groupby(level=0).mean()
    mine, avg = means.loc[team], means.mean()
    zs = {m: me[f"z_{m}"] for m in SCORED}
    best, worst = max(zs, key=zs.get), min(zs, key=zs.get)
    out = []
    if me["rank"] == 1:
        out.append(_("You won on balance: no metric was sacrificed for another."))
    out.append(
        _(
            "Your strongest metric was {best} ({mine_best} against the field's {field_best}); "
            "your weakest was {worst} ({mine_worst} against {field_worst}).",
            best=_label(best),
            mine_best=_f(t, mine[best], best),
            field_best=_f(t, avg[best], best),
            worst=_label(worst),
            mine_worst=_f(t, mine[worst], worst),
            field_worst=_f(t, avg[worst], worst),
        )
    )
    if zs["retention"] > 0.5 and zs["margin_after_costs"] < -0.5:
        out.append(
            _(
                "You bought retention with margin: check what each extra retained customer "
                "cost you (discounts, rewards and messages over the customers kept)."
            )
        )
    if zs["points_liability"] < -0.5:
        ratio = mine["points_liability"] / max(avg["points_liability"], 1.0)
        out.append(
            _(
                "Your points liability is {ratio}× the field's average: points are a "
                "promise you owe. An expiry policy or fewer multipliers would shrink it.",
                ratio=fmt(ratio, "score"),
            )
        )
    if mine.get("opted_out", 0) > max(1.0, 2 * avg.get("opted_out", 0)):
        out.append(
            _(
                "{n} customers opted out of all contact on average: too many messages. "
                "Fewer, better-timed messages keep the channel open, and NPS with it.",
                n=_f(t, mine["opted_out"], "opted_out"),
            )
        )
    if zs["nps"] < -0.5:
        out.append(
            _(
                "Your NPS trails the field: look at what your customers experienced (contact "
                "fatigue, broken promises, service failures), not at the survey."
            )
        )
    if mine.get("promise_kept", 1) < 0.9:
        out.append(
            _(
                "You kept the response promise in only {share} of cases: staff the desk "
                "for the promise you make, or promise less.",
                share=_f(t, mine["promise_kept"], "promise_kept"),
            )
        )
    effect, field_fx = t.shock_effect(team), t.shock_effect()
    if "retention" in effect.index and "retention" in field_fx.index:
        mine_fx, all_fx = effect.loc["retention", "mean"], field_fx.loc["retention", "mean"]
        if mine_fx < all_fx - 0.002:
            verdict = HIT_HARDER
        elif mine_fx > all_fx + 0.002:
            verdict = HIT_LESS
        else:
            verdict = HIT_SAME
        out.append(_(verdict, mine=mine_fx * 100, field=all_fx * 100))
    if len(field) and me["score"] < field["score"].max():
        leader = field["score"].idxmax()
        lead = board.loc[leader]
        gap = max(SCORED, key=lambda m: lead[f"z_{m}"] - me[f"z_{m}"])
        out.append(
            _(
                "Biggest gap to {leader}: {metric}. Read their levers on their page and ask "
                "what it cost them.",
                leader=leader,
                metric=_label(gap),
            )
        )
    return out


def _levers_html(levers: dict) -> str:
    import yaml

    text = yaml.safe_dump(levers, allow_unicode=True, sort_keys=False) if levers else "{}\n"
    return f"<pre>{_e(text)}</pre>"


@cjk_fonts()  # team names may be Chinese; the caller's rcParams stay
def _chart(t: Tournament, team: str) -> Figure:
    # no pyplot: no global figure state, no backend
    fig = Figure(figsize=(7.5, 3.2), layout="constrained")
    ax = fig.subplots()
    for r in t.rounds[:1]:
        curves = {k[1]: v for k, v in t.active.items() if k[0] == r.round.name and k[2]}
        field = np.mean([v for k, v in curves.items() if k != team] or [curves[team]], axis=0)
        days = np.arange(len(curves[team]))
        ax.plot(days, field, color="#999", label=_("rest of the field (mean)"))
        ax.plot(days, curves[team], color="#1f6fb2", label=team)
        calm = t.active.get((r.round.name, team, False))
        if calm is not None:
            ax.plot(
                days, calm, color="#1f6fb2", ls=":", label=_("{team} without the shock", team=team)
            )
        for s in r.shocks or []:
            ax.axvspan(s.day, s.day + s.duration_days, color="#f3c6c0", alpha=0.5, lw=0)
        ax.set_title(_("active customers, {round} (shaded: the shock)", round=r.round.name))
    ax.set_xlabel(_("day"))
    ax.set_ylabel(_("active customers"))
    ax.legend(fontsize=8)
    return fig


def debrief_html(t: Tournament, team: str) -> str:
    """One team's debrief: levers, metrics vs the field with CIs, the shock, coaching."""
    info = next(x for x in t.teams if x.name == team)
    board = t.leaderboard().set_index("team")
    me = board.loc[team]
    ci = t.team_ci(team)
    field = t.runs[t.runs["shocked"]].groupby(["metric", "team"])["value"].mean()
    rows = []
    for m in [x for x in SHOWN if x in ci.index]:
        c = ci.loc[m]
        if c["n"] > 1:
            interval = _(INTERVAL, low=_f(t, c["ci_low"], m), high=_f(t, c["ci_high"], m))
        else:
            interval = "–"
        fm = field.loc[m] if m in field.index.get_level_values(0) else pd.Series(dtype=float)
        stats = [_f(t, f(), m) if len(fm) else "–" for f in (fm.mean, fm.max, fm.min)]
        z = me.get(f"z_{m}", np.nan)
        cls = "" if not np.isfinite(z) else "good" if z > 0.5 else "bad" if z < -0.5 else ""
        zt = _z(z) if np.isfinite(z) else ""
        w = fmt(t.trainer.weights[m], "number") if m in t.trainer.weights else ""
        rows.append(
            f"<tr><td>{_e(_label(m))}</td><td class='{cls}'>{_f(t, c['mean'], m)}</td>"
            f"<td>{interval}</td>{''.join(f'<td>{x}</td>' for x in stats)}"
            f"<td>{zt}</td><td>{w}</td></tr>"
        )
    fx, ffx = t.shock_effect(team), t.shock_effect()
    shock_rows = "".join(
        f"<tr><td>{_e(_label(m))}</td><td>{_f(t, fx.loc[m, 'mean'], m, True)}</td>"
        "<td>"
        + _(
            INTERVAL,
            low=_f(t, fx.loc[m, "ci_low"], m, True),
            high=_f(t, fx.loc[m, "ci_high"], m, True),
        )
        + f"</td><td>{_f(t, ffx.loc[m, 'mean'], m, True)}</td></tr>"
        for m in ["retention", "margin_after_costs", "revenue", "active_at_end", "nps"]
        if m in fx.index and m in ffx.index
    )
    if shock_rows:
        shock = (
            "<p>"
            + _e(
                _(
                    "Each run was repeated with the same seed without the shock; the difference "
                    "is what the shock did (mean over replications and rounds, 95% interval)."
                )
            )
            + "</p>"
            + _header_row(METRIC, N_("shock effect on you"), CI95, N_("on the field (mean)"))
            + f"{shock_rows}</table>"
        )
    else:
        no_shock = _("No shock-free runs were made (shock_impact is off in the trainer file).")
        shock = f"<p>{_e(no_shock)}</p>"
    members = " — " + _e(_(", ").join(info.members)) if info.members else ""
    notes = f"<p><i>{_e(info.notes)}</i></p>" if info.notes else ""
    tips = "".join(f"<li>{_e(s)}</li>" for s in coaching(t, team))
    title = _("{team}: debrief", team=team)
    meta = _(
        "rank {rank} of {n}, score {score}{members}; file {file}",
        rank=fmt(me["rank"]),
        n=fmt(len(board)),
        score=_z(me["score"]),
        members=members,
        file=_e(Path(info.source).name),
    )
    means_note = _(
        "Means over every replication of the rounds played; the interval is a 95% "
        "t-interval across replications."
    )
    body = (
        "<p><a href='../leaderboard.html'>← " + _e(_("leaderboard")) + "</a></p>"
        f"<h1>{_e(title)}</h1><p class='meta'>{meta}</p>{notes}"
        + _tag("h2", N_("Coaching"))
        + f"<ul>{tips}</ul>"
        + _tag("h2", N_("Your metrics against the field"))
        + _header_row(
            METRIC,
            N_("you (mean)"),
            CI95,
            N_("field mean"),
            N_("field max"),
            N_("field min"),
            "z",
            N_("weight"),
        )
        + f"{''.join(rows)}</table><p class='meta'>{_e(means_note)}</p>"
        + _tag("h2", N_("What the shock did"))
        + f"{_rounds_note(t)}{shock}{_png(_chart(t, team))}"
        + _tag("h2", N_("Your levers"))
        + _levers_html(info.levers)
    )
    return _page(title, body)


def _tag(tag: str, msgid: str) -> str:
    """'<h2>Coaching</h2>': a translated heading or label in its tag."""
    return f"<{tag}>{_e(_(msgid))}</{tag}>"


def _header_row(*msgids: str, more: str = "") -> str:
    """'<table><tr><th>…</th>…</tr>': a table's opening and its headers, translated, then
    `more` header cells already written."""
    return "<table><tr>" + "".join(f"<th>{_e(_(m))}</th>" for m in msgids) + more + "</tr>"


def write_pages(t: Tournament, out: str | Path) -> Path:
    """Write leaderboard.html, leaderboard.csv, runs.csv and teams/<team>.html into `out`
    (each team's file name settled by read_teams, see sim.filenames)."""
    out = Path(out)
    (out / "teams").mkdir(parents=True, exist_ok=True)
    t.leaderboard().to_csv(out / "leaderboard.csv", index=False)
    t.runs.to_csv(out / "runs.csv", index=False)
    (out / "leaderboard.html").write_text(leaderboard_html(t), encoding="utf-8")
    for name, stem in _pages(t).items():
        (out / "teams" / f"{stem}.html").write_text(debrief_html(t, name), encoding="utf-8")
    return out
