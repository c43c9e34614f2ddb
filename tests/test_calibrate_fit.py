"""Fitting the world: CDNOW read as an export gives the published summary and parameters
(in days), data simulated from known parameters gives them back within their standard
errors, and arrivals, categories and weekday patterns have their known answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import datasets
from sim.calibrate.fitting import _arrivals, _categories, _weekday, fit, summarise
from sim.calibrate.reading import read_export

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT / "datasets" / "cdnow_sample" / "CDNOW_sample.txt"
CAL_END = dt.date(1997, 9, 30)


@pytest.fixture(scope="module")
def cdnow_fit():
    return fit(read_export(CDNOW), CAL_END)


def test_cdnow_summary_is_the_published_one(cdnow_fit):
    """The shipped summary (Fader, Hardie and Lee's, as lifetimes ships it) is in weeks,
    rounded to 2 decimals; ours is in whole days: days / 7 agrees to that rounding."""
    s = cdnow_fit.summary
    pub = datasets.load_cdnow_summary()
    ids = datasets.load_cdnow_sample().drop_duplicates("customer_id")["master_id"]
    pub.index = pd.Index([f"{m:05d}" for m in ids], name="customer")
    s = s.loc[pub.index]
    assert len(s) == 2357 and (s["frequency"].to_numpy() == pub["frequency"].to_numpy()).all()
    assert np.abs(s["recency"].to_numpy() / 7 - pub["recency"]).max() <= 0.005
    assert np.abs(s["T"].to_numpy() / 7 - pub["T"]).max() <= 0.005
    assert np.abs(s["monetary_value"].to_numpy() - pub["monetary_value"]).max() <= 0.005 + 1e-9
    assert int(s["frequency"].sum()) == 2457  # repeat purchases in the calibration period
    assert (s["orders"] == s["frequency"] + 1).all()


def test_cdnow_bgnbd_in_days_is_the_published_fit(cdnow_fit):
    """FHL 2005 (weeks): r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4. In days, alpha
    is 7 times larger and the log-likelihood lower by ln 7 per repeat purchase (the density
    of each repeat purchase time is per day instead of per week); r, a, b are the same."""
    m = cdnow_fit.bgnbd
    p = m.params
    assert p["r"] == pytest.approx(0.243, abs=5e-4)
    assert p["alpha"] / 7 == pytest.approx(4.414, abs=5e-4)
    assert p["a"] == pytest.approx(0.793, abs=5e-4)
    assert p["b"] == pytest.approx(2.426, abs=5e-4)
    repeats = cdnow_fit.summary["frequency"].sum()
    assert m.log_likelihood + repeats * np.log(7) == pytest.approx(-9582.4, abs=0.1)
    se = m.standard_errors
    assert se["alpha"] / 7 == pytest.approx(0.378, abs=0.01)  # as lifetimes reports in weeks
    assert se["r"] == pytest.approx(0.013, abs=0.001)


def test_cdnow_gamma_gamma_and_its_standard_errors(cdnow_fit):
    """Fader, Hardie and Lee's spend note: p 6.25, q 3.74, gamma 15.44 on the 946 repeat
    buyers; the standard errors are those of the observed information."""
    gg = cdnow_fit.gamma_gamma
    assert cdnow_fit.spenders == 946
    assert gg.params["p"] == pytest.approx(6.25, abs=0.005)
    assert gg.params["q"] == pytest.approx(3.74, abs=0.005)
    assert gg.params["v"] == pytest.approx(15.44, abs=0.01)
    se = gg.standard_errors
    assert 0 < se["q"] < se["p"] < se["v"] < gg.params["v"]


def test_cdnow_arrivals_are_a_cohort_and_the_fit_says_so(cdnow_fit):
    f = cdnow_fit
    assert f.acquisitions_per_day == pytest.approx(2357 / 273)
    assert f.acquisitions_se == pytest.approx(np.sqrt(2357) / 273)
    by_month = f.acquisitions_by_month
    first = datasets.load_cdnow_sample().groupby("customer_id")["date"].min()
    assert by_month.iloc[0] == pytest.approx((first.dt.month == 1).sum() / 31)
    assert (by_month.iloc[3:] == 0).all() and f.recent_acquisitions_per_day == 0
    assert any("one cohort" in note for note in f.notes)


def simulate_export(seed: int, n: int, truth: dict, days: int = 365) -> pd.DataFrame:
    """Orders of `n` customers from a BG/NBD + Gamma-Gamma world (arrivals spread over the
    first 90 days, continuous purchase times cut to calendar days)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(truth["r"], 1 / truth["alpha"], n)
    drop = rng.beta(truth["a"], truth["b"], n)
    nu = rng.gamma(truth["q"], 1 / truth["gamma"], n)
    now = rng.uniform(0, 90, n)
    who, when = [np.arange(n)], [now.copy()]
    alive = np.ones(n, dtype=bool)
    while alive.any():  # BG/NBD: a customer may leave after each repeat purchase
        now = now + rng.exponential(1 / lam)
        alive &= now < days
        who.append(np.flatnonzero(alive))
        when.append(now[alive])
        alive &= rng.random(n) >= drop
    who, when = np.concatenate(who), np.concatenate(when)
    amount = rng.gamma(truth["p"], 1 / nu[who])
    start = pd.Timestamp("2024-01-01")
    return pd.DataFrame(
        {
            "customer_id": [f"S{i:05d}" for i in who],
            "order_date": (start + pd.to_timedelta(np.floor(when), unit="D")).strftime("%Y-%m-%d"),
            "amount": np.round(amount, 2),
        }
    )


def test_fit_recovers_simulated_parameters_within_their_standard_errors(tmp_path):
    truth = {"r": 0.8, "alpha": 40.0, "a": 1.2, "b": 6.0, "p": 5.0, "q": 4.0, "gamma": 30.0}
    path = tmp_path / "simulated.csv"
    simulate_export(1, 6000, truth).to_csv(path, index=False)  # seeds 0-5: |z| max 3.0, centred
    f = fit(read_export(path), dt.date(2024, 12, 30))
    got = {**f.bgnbd.params, **{("gamma" if k == "v" else k): v for k, v in
                                f.gamma_gamma.params.items()}}  # fmt: skip
    se = {**f.bgnbd.standard_errors, **{("gamma" if k == "v" else k): v for k, v in
                                        f.gamma_gamma.standard_errors.items()}}  # fmt: skip
    for name, true in truth.items():
        z = (got[name] - true) / se[name]
        assert abs(z) < 3, (name, got[name], true, se[name])


def test_arrivals_categories_and_weekdays_have_their_known_answers(tmp_path):
    """Three new customers a day for 84 days (12 weeks), each buying on their first day
    and 7 days later, so every occasion falls on the weekday the customer arrived:
    category A on even customers (amount 10), B on odd ones (amount 30)."""
    rows = []
    start = dt.date(2025, 1, 6)  # a Monday
    for day in range(84):
        for k in range(3):
            cid = day * 3 + k
            cat, amount = ("A", 10.0) if cid % 2 == 0 else ("B", 30.0)
            for extra in (0, 7):
                when = start + dt.timedelta(days=min(day + extra, 83))
                rows.append((f"c{cid}", when.isoformat(), amount, cat))
    path = tmp_path / "orders.csv"
    pd.DataFrame(rows, columns=["customer", "date", "amount", "category"]).to_csv(path, index=False)
    end = start + dt.timedelta(days=83)
    occasions = read_export(path).occasions
    rate, rate_se, by_month, recent = _arrivals(summarise(occasions, end), start, end)
    assert rate == pytest.approx(3.0) and recent == pytest.approx(3.0)
    assert rate_se == pytest.approx(np.sqrt(252) / 84)
    assert by_month.round(10).tolist() == [3.0, 3.0, 3.0]
    cats = {c.name: c for c in _categories(occasions)}
    assert cats["A"].share + cats["B"].share == 1.0
    assert cats["A"].share == pytest.approx(0.5, abs=0.01)
    by_cat = occasions.groupby("category")["amount"].mean()
    assert by_cat["A"] == pytest.approx(cats["A"].mean_amount)
    assert cats["A"].price_level == pytest.approx(
        by_cat["A"] / occasions["amount"].mean(), rel=1e-4
    )
    assert cats["B"].price_level / cats["A"].price_level == pytest.approx(3.0, rel=0.01)
    assert sum(c.share * c.price_level for c in cats.values()) == pytest.approx(1.0, abs=1e-4)
    weekday = _weekday(occasions, start, end)  # even over weekdays by construction
    assert weekday is not None and not weekday.shown


def test_a_weekday_pattern_is_shown_when_there_is_one(tmp_path):
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2025-01-06")
    rows = []
    for cid in range(400):
        days = np.sort(rng.choice(140, size=4, replace=False))
        days = days - (start + pd.to_timedelta(days, unit="D")).day_of_week.to_numpy() % 7 * (
            rng.random(4) < 0.5
        )  # about half the occasions moved back to that week's Monday
        for d in np.unique(np.clip(days, 0, 139)):
            rows.append((cid, (start + pd.Timedelta(days=int(d))).date().isoformat(), 10.0))
    path = tmp_path / "orders.csv"
    pd.DataFrame(rows, columns=["customer_id", "date", "amount"]).to_csv(path, index=False)
    weekday = _weekday(
        read_export(path).occasions, start.date(), (start + pd.Timedelta(days=139)).date()
    )
    assert weekday.shown and max(weekday.index, key=weekday.index.get) == "Mon"
    assert weekday.index["Mon"] > 2


def test_the_cdnow_twin_runs_and_its_base_customers_follow_the_closed_form(tmp_path):
    """The twin written for CDNOW (calibration to 1997-09-30) is a scenario `sim run`
    accepts: its base is the 2,357 customers, nobody new arrives (CDNOW is one cohort, so
    the recent rate is 0), and their simulated repeat orders over the 273-day holdout lie
    within sampling error of the BG/NBD closed form (1,653.4 in FHL's weeks): 3 standard
    errors of the mean of 4 runs, SD/√4 with SD = 63, one run's spread over 40 replications
    (test_calibrate_twin). The salt is fixed: the pseudonyms order the base, so a new salt
    each run would make the draws, and the test, random."""
    import sim
    from sim.calibrate import calibrate
    from sim.scenario import load_scenario

    salt = tmp_path / "twin.salt"
    salt.write_text("5a" * 32 + "\n", encoding="ascii")
    twin = calibrate(CDNOW, tmp_path / "twin", holdout_from="1997-10-01", salt_file=salt,
                     replications=2, progress=False, executor="serial")  # fmt: skip
    scenario = load_scenario(twin.scenario_path)
    assert scenario.population.acquisitions_per_day == 0.0
    assert scenario.horizon_days == 273
    base = pd.read_csv(tmp_path / "twin" / "base.csv", dtype={"customer": str})
    assert len(base) == 2357 and base["frequency"].sum() == 2457
    totals = []
    for seed in range(4):
        tables = sim.run(scenario, seed=seed).tables
        assert len(tables["customers"]) == 2357
        assert tables["customers"]["base_customer"].notna().all()
        totals.append(len(tables["orders"]))
    f = twin.fit
    expected = float(f.bgnbd.expected_purchases(273, f.summary["frequency"], f.summary["recency"],
                                                f.summary["T"]).sum())  # fmt: skip
    assert expected == pytest.approx(1653.4, abs=1.0)
    assert abs(np.mean(totals) - expected) < 3 * 63 / np.sqrt(len(totals)), (totals, expected)
