"""A twin's existing customers (population.base): each enters at the start with what the
BG/NBD model believes about them given their history, so the world's future of the base
is the model's conditional expectation (Fader, Hardie and Lee 2005, eq. 10)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analytics.btyd import BGNBD
from sim.problems import ScenarioError
from sim.scenario import load_scenario
from sim.world.base import read_base
from tests.test_fast_paths import assert_same_tables

CDNOW = Path(__file__).resolve().parents[1] / "datasets" / "cdnow_sample"
# the published BG/NBD fit to the CDNOW sample (FHL 2005; weekly α = 4.414, in days × 7)
PARAMS = {"r": 0.243, "alpha": 4.414 * 7, "a": 0.793, "b": 2.426}
HOLDOUT = 273  # 1997-10-01 .. 1998-06-30


def _scenario(folder: Path, extra: str = "", base: str = "base.csv") -> Path:
    text = f"""name: twin
start_date: 1997-10-01
horizon_days: {HOLDOUT}
population:
  initial_customers: 0
  history_days: 0
  acquisitions_per_day: 0
  purchase_rate: {{r: {PARAMS["r"]}, alpha: {PARAMS["alpha"]}}}
  dropout: {{a: {PARAMS["a"]}, b: {PARAMS["b"]}}}
  spend: {{p: 6.25, q: 3.74, gamma: 15.44}}
  satisfaction_effect: 0
  base: {base}
{extra}"""
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _cdnow_base(folder: Path) -> pd.DataFrame:
    """The CDNOW calibration summary (weeks) as a base file (days)."""
    d = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")
    T, recency = d["T"] * 7, d["t_x"] * 7
    first = -(T + 1.0)
    base = pd.DataFrame(
        {
            "customer": [f"c{i:05d}" for i in d["ID"]],
            "first_day": first,
            "last_day": first + recency,
            "frequency": d["x"],
            "recency": recency,
            "T": T,
            "monetary_value": d["zbar"],
            "spend": d["zbar"] * (d["x"] + 1),
        }
    )
    base.to_csv(folder / "base.csv", index=False)
    return base


@pytest.fixture(scope="module")
def cdnow_twin(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("twin")
    return _scenario(folder), _cdnow_base(folder)


def test_the_base_buys_what_the_model_expects_of_it(cdnow_twin):
    path, base = cdnow_twin
    model = BGNBD(params=PARAMS)
    expected = model.expected_purchases(HOLDOUT, base["frequency"], base["recency"], base["T"])
    assert expected.sum() == pytest.approx(1653.9, abs=0.1)  # FHL's 1,653 with these params
    scenario = load_scenario(path)
    totals = np.array([len(sim.run(scenario, seed=s).tables["orders"]) for s in range(16)])
    se = totals.std(ddof=1) / np.sqrt(len(totals))
    assert abs(totals.mean() - expected.sum()) < 3 * se + 5, (totals.mean(), se)
    # and each customer's share follows their own history: the frequent buyers buy more
    orders = pd.concat(
        [sim.run(scenario, seed=s).tables["orders"] for s in range(4)], ignore_index=True
    )
    per = orders.groupby("customer_id").size().reindex(np.arange(1, len(base) + 1), fill_value=0)
    heavy = base["frequency"].to_numpy() >= 5
    model_heavy = expected[heavy].mean() * 4
    assert per[heavy].mean() == pytest.approx(model_heavy, rel=0.15)


def test_posterior_draws_follow_the_closed_forms(tmp_path):
    x, t_x, T, n = 3, 100.0, 200.0, 4000
    rows = pd.DataFrame(
        {
            "customer": [f"k{i}" for i in range(n)],
            "first_day": -T - 1,
            "last_day": -T - 1 + t_x,
            "frequency": x,
            "recency": t_x,
            "T": T,
            "monetary_value": 20.0,
            "spend": 80.0,
        }
    )
    rows.to_csv(tmp_path / "base.csv", index=False)
    scenario = load_scenario(_scenario(tmp_path))
    cust = sim.run(scenario, seed=3, days=1).tables["customers"]
    left = cust["churn_day"] <= 0  # had left before the start
    p_alive = float(BGNBD(params=PARAMS).p_alive(x, t_x, T)[0])
    assert (~left).mean() == pytest.approx(p_alive, abs=4 * np.sqrt(p_alive * (1 - p_alive) / n))
    lam = cust["true_purchase_rate"]
    r, alpha, a, b = PARAMS.values()
    assert lam.mean() == pytest.approx((r + x) / (alpha + T), rel=0.05)
    assert cust["true_dropout_prob"].mean() == pytest.approx(a / (a + b + x), rel=0.05)
    # Gamma-Gamma: ν | x, m̄ ~ Gamma(q + p·x, γ + x·m̄)
    assert cust["true_spend_scale"].mean() == pytest.approx(
        (3.74 + 6.25 * x) / (15.44 + x * 20.0), rel=0.03
    )
    # the table shows their real history, not the entry into the world
    assert np.allclose(cust["signup_day"], -T - 1)
    assert np.allclose(cust.loc[left, "churn_day"], -T - 1 + t_x)
    assert (cust["base_customer"] == rows["customer"]).all()


def test_who_had_left_never_buys_and_the_rest_carry_their_spend(cdnow_twin):
    path, base = cdnow_twin
    tables = sim.run(load_scenario(path), seed=5).tables
    cust, orders = tables["customers"], tables["orders"]
    gone = cust.loc[cust["churn_day"] <= 0, "customer_id"]
    assert len(gone) > 100
    assert not orders["customer_id"].isin(gone).any()
    assert (orders["day"] >= 0).all()  # the history stays with the planner


@pytest.mark.parametrize("extra", ["", "service: {}\nsurveys: {}\noutreach: {}\n"])
def test_every_path_gives_the_same_twin(tmp_path, extra):
    _cdnow_base(tmp_path)
    scenario = load_scenario(_scenario(tmp_path, extra))
    reference = sim.run(scenario, seed=11, settle=False)
    assert_same_tables(sim.run(scenario, seed=11), reference)
    assert len(reference.tables["orders"]) > 500


def test_a_base_and_look_alikes_live_side_by_side(tmp_path):
    _cdnow_base(tmp_path)
    path = _scenario(tmp_path)
    text = path.read_text().replace("initial_customers: 0", "initial_customers: 300")
    text = text.replace("history_days: 0", "history_days: 90")
    path.write_text(text.replace("acquisitions_per_day: 0", "acquisitions_per_day: 2"))
    scenario = load_scenario(path)
    result = sim.run(scenario, seed=2)
    cust = result.tables["customers"]
    assert (cust["base_customer"] != "").sum() == 2357
    assert (cust["base_customer"] == "").sum() > 300
    assert cust["customer_id"].is_unique
    assert_same_tables(result, sim.run(scenario, seed=2, settle=False))


# ---------------------------------------------------------------------- bad files


def _write(folder: Path, text: str) -> Path:
    (folder / "base.csv").write_text(text, encoding="utf-8")
    return _scenario(folder)


HEADER = "customer,first_day,last_day,frequency,recency,T,monetary_value,spend\n"


def test_a_missing_base_file_names_the_file_and_the_fix(tmp_path):
    path = _scenario(tmp_path, base="nowhere.csv")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "nowhere.csv" in text and "population.base" in text


def test_a_missing_column_is_named_with_what_is_there(tmp_path):
    path = _write(
        tmp_path, "customer,first_day,last_day,frequency,recency,T,spend\na,-9,-1,1,8,8,5\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "base.csv:1: monetary_value" in text and "customer, first_day" in text


def test_every_bad_row_is_reported_at_once(tmp_path):
    rows = [
        "a,-10,-2,1,8,9,5,10",  # recency 8 <= T 9: fine
        "b,-10,-2,1,12,9,5,10",  # recency above T
        "c,-10,-2,-1,8,9,5,10",  # negative frequency
        "d,-10,-2,1.5,8,9,5,10",  # not whole
        "e,-10,-2,x,8,9,5,10",  # not a number
        "a,-10,-2,1,8,9,5,10",  # a second row for a
        ",-10,-2,1,8,9,5,10",  # no pseudonym
        "g,5,6,1,1,9,5,10",  # after the start
    ]
    path = _write(tmp_path, HEADER + "\n".join(rows) + "\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "base.csv:3: recency: expected at most T, found rows 3" in text
    assert "base.csv:4: frequency" in text and "rows 4, 5" in text
    assert "base.csv:6: frequency: expected a number" in text
    assert "base.csv:7: customer: expected each customer once" in text
    assert "base.csv:8: customer" in text
    assert "base.csv:9: first_day" in text
    assert len(err.value.problems) == 7  # rows 4 and 5 share one


def test_many_bad_rows_are_counted_not_listed(tmp_path):
    rows = [f"c{i},-10,-2,1,12,9,5,10" for i in range(40)]
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, HEADER + "\n".join(rows) + "\n"))
    assert "rows 2, 3, 4, 5, 6 and 35 more" in str(err.value)


def test_a_contractual_world_takes_no_base(tmp_path):
    _cdnow_base(tmp_path)
    path = _scenario(tmp_path, "setting: {kind: contractual}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert "population.base" in str(err.value) and "non_contractual" in str(err.value)


def test_the_base_file_is_read_once_while_it_does_not_change(tmp_path):
    _cdnow_base(tmp_path)
    path = load_scenario(_scenario(tmp_path)).population.base
    assert read_base(path) is read_base(path)
    first = read_base(path)
    (Path(path)).write_text(HEADER + "z,-3,-1,1,2,2,4,8\n", encoding="utf-8")
    assert len(read_base(path)) == 1 and read_base(path) is not first
