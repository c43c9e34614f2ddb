"""The messy CRM extract is seeded and truthful; cleaning and privacy helpers do their job."""

from __future__ import annotations

import pandas as pd
import pytest

from sim import crm, datasets
from sim.views.exercises import check_duplicate_pairs, check_masked_export


@pytest.fixture(scope="module")
def customers():
    return datasets.load("coffee_chain", ["customers"])["customers"]


def test_extract_is_seeded_and_its_truth_adds_up(customers):
    a, ta = crm.crm_extract(customers, seed=3)
    b, tb = crm.crm_extract(customers, seed=3)
    c, _ = crm.crm_extract(customers, seed=4)
    assert a.equals(b) and ta.equals(tb) and not a.equals(c)
    assert list(a.columns) == crm.CRM_COLUMNS
    assert len(a) == len(customers) + ta["is_duplicate"].sum()
    assert ta["customer_id"].nunique() == len(customers)
    assert 0.05 < ta["is_duplicate"].mean() < 0.1
    assert a["phone"].isna().mean() == pytest.approx(0.05, abs=0.015)
    stale = ta["stale_city"].to_numpy()
    assert (a["city"][stale] != ta["true_city"][stale]).all()
    # the first listing of each person is the original
    first = ta.sort_values("crm_id").drop_duplicates("customer_id")
    assert not first["is_duplicate"].any()


def test_phone_and_email_normalisation():
    assert crm.normalise_phone("+86 173 9089 5056") == "17390895056"
    assert crm.normalise_phone("0086-17390895056") == "17390895056"
    assert crm.normalise_phone("173-9089-5056") == "17390895056"
    assert crm.normalise_phone("+1 961-438-6641", "1") == "9614386641"
    assert crm.normalise_phone("(961) 438-6641x123", "1") == "9614386641"
    assert crm.normalise_phone(None) == ""
    assert crm.normalise_email("  Wu.Qian@QQ.com ") == "wu.qian@qq.com"


def test_duplicate_candidates_find_the_seeded_duplicates(customers):
    extract, truth = crm.crm_extract(customers, seed=1)
    pairs = crm.duplicate_candidates(extract)
    report = crm.check_duplicates(pairs, truth)
    assert report["precision"] > 0.95 and report["recall"] > 0.95
    merged = crm.merge_duplicates(extract, pairs)
    assert abs(len(merged) - len(customers)) <= 3
    assert check_duplicate_pairs(pairs, truth).ok


def test_raw_phone_matching_misses_pairs_and_the_checker_says_why(customers):
    extract, truth = crm.crm_extract(customers, seed=1)
    sub = extract.dropna(subset=["phone"])
    raw = sub.merge(sub, on="phone")
    raw = raw[raw["crm_id_x"] < raw["crm_id_y"]]
    pairs = raw.rename(columns={"crm_id_x": "crm_id_a", "crm_id_y": "crm_id_b"})
    fb = check_duplicate_pairs(pairs, truth)
    assert not fb.ok and "Normalise" in fb.message


def test_privacy_helpers():
    assert crm.mask_phone("13812345678") == "138****5678"
    assert crm.mask_email("Zhang.Wei@qq.com") == "z********@qq.com"
    p = crm.pseudonymise(pd.Series([1, 2, 1]), key="k")
    assert p[0] == p[2] != p[1] and len(p[0]) == 12
    assert crm.pseudonymise([1], key="other")[0] != p[0]


def test_role_views_hide_what_a_role_may_not_see(customers):
    extract, _ = crm.crm_extract(customers, seed=1)
    service = crm.role_view(extract, "service agent")
    assert service["phone"].dropna().str.contains(r"\*{4}").all()
    marketing = crm.role_view(extract, "marketing analyst")
    assert "name" not in marketing and "crm_id" not in marketing
    assert check_masked_export(marketing, extract).ok
    leak = check_masked_export(
        extract[["crm_id", "phone"]].rename(columns={"crm_id": "x"}), extract
    )
    assert not leak.ok and "phone" in leak.message
    with pytest.raises(KeyError, match="roles are"):
        crm.role_view(extract, "intern")
