"""Customer profiles: reproducible, plausible per locale, unique e-mails, and fast."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from faker.providers.person.zh_CN import Provider as ZhPerson

from sim.world.profiles import (
    PINYIN,
    REFERENCE_DATE,
    SUPPORTED_LOCALES,
    _pinyin,
    make_profiles,
    profile_pool,
)

KEYS = ("name", "gender", "birth_date", "city", "phone", "email")
ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def _digest(profiles: dict[str, np.ndarray]) -> str:
    """One hash over every array, so two runs can be compared across processes."""
    h = hashlib.sha256()
    for key in KEYS:
        h.update(key.encode())
        h.update("\x1f".join(map(str, profiles[key].tolist())).encode())
    return h.hexdigest()


def _completed_years(birth: np.ndarray, on: dt.date) -> np.ndarray:
    """Age in completed years on a date, the way a person counts birthdays."""
    days = [d.astype(dt.date) for d in birth]
    return np.array([on.year - b.year - ((on.month, on.day) < (b.month, b.day)) for b in days])


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_shape_and_types(locale: str) -> None:
    prof = make_profiles(500, locale, seed=3)
    assert set(prof) == set(KEYS)
    assert all(len(prof[k]) == 500 for k in KEYS)
    assert prof["birth_date"].dtype == np.dtype("datetime64[D]")
    assert set(prof["gender"].tolist()) == {"F", "M"}
    assert all(isinstance(v, str) and v for k in KEYS if k != "birth_date" for v in prof[k])


def test_same_seed_same_profiles_and_other_seed_differs() -> None:
    a = make_profiles(2000, "zh_CN", seed=11)
    b = make_profiles(2000, "zh_CN", seed=11)
    c = make_profiles(2000, "zh_CN", seed=12)
    for key in KEYS:
        np.testing.assert_array_equal(a[key], b[key])
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)
    assert (a["name"] != c["name"]).mean() > 0.5


@pytest.mark.parametrize("hash_seed", ["0", "12345"])
def test_same_profiles_in_a_fresh_process(hash_seed: str) -> None:
    code = (
        "import hashlib, sys\n"
        "from sim.world.profiles import make_profiles\n"
        "p = make_profiles(3000, 'zh_CN', 42)\n"
        "h = hashlib.sha256()\n"
        f"for k in {KEYS!r}:\n"
        "    h.update(k.encode()); h.update('\\x1f'.join(map(str, p[k].tolist())).encode())\n"
        "print(h.hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == _digest(make_profiles(3000, "zh_CN", 42))


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_emails_unique_lowercase_ascii(locale: str) -> None:
    # 20,000 customers on a pool of 2,000 names: stems repeat many times over.
    email = make_profiles(20_000, locale, seed=1)["email"]
    assert len(set(email.tolist())) == len(email)
    assert all(re.fullmatch(r"[a-z]+(\.[a-z]+)*[0-9]+@[a-z0-9.-]+\.[a-z]+", e) for e in email)


def test_zh_cn_email_is_pinyin_of_the_name() -> None:
    prof = make_profiles(300, "zh_CN", seed=2)
    for name, email in zip(prof["name"], prof["email"], strict=True):
        assert email.startswith(_pinyin(name)), (name, email)
    assert _pinyin("王芳") == "wangfang"
    assert _pinyin("欧阳秀英") == "ouyangxiuying"
    assert _pinyin("曾伟") == "zengwei"  # the surname reading, not ceng


def test_pinyin_table_covers_fakers_zh_cn_names() -> None:
    chars = set("".join(ZhPerson.first_names_male + ZhPerson.first_names_female))
    chars |= set("".join(ZhPerson.last_names))
    assert chars <= set(PINYIN), sorted(chars - set(PINYIN))


def test_zh_cn_names_and_cities_are_chinese() -> None:
    prof = make_profiles(1000, "zh_CN", seed=4)
    assert all(CJK.match(n) and 2 <= len(n) <= 4 for n in prof["name"])
    assert all(CJK.match(c) for c in prof["city"])
    assert {"北京", "上海", "广州"} <= set(profile_pool("zh_CN").cities.tolist())


def test_zh_cn_gender_matches_name() -> None:
    pool = profile_pool("zh_CN")
    female_given = set(ZhPerson.first_names_female)
    assert all(any(n.endswith(g) for g in female_given) for n in pool.female_names)
    prof = make_profiles(5000, "zh_CN", seed=5)
    female = prof["gender"] == "F"
    assert set(prof["name"][female].tolist()) <= set(pool.female_names.tolist())
    assert set(prof["name"][~female].tolist()) <= set(pool.male_names.tolist())
    assert 0.45 < female.mean() < 0.55


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "ja_JP"])
def test_gender_matches_name_elsewhere(locale: str) -> None:
    pool = profile_pool(locale)
    prof = make_profiles(2000, locale, seed=6)
    female = prof["gender"] == "F"
    assert set(prof["name"][female].tolist()) <= set(pool.female_names.tolist())
    assert set(prof["name"][~female].tolist()) <= set(pool.male_names.tolist())


@pytest.mark.parametrize(
    ("locale", "pattern"),
    [
        ("zh_CN", r"1[3-9]\d{9}"),
        ("en_US", r"\([2-9]\d\d\) [2-9]\d\d-\d{4}|[2-9]\d\d-[2-9]\d\d-\d{4}"),
        ("en_GB", r"07\d{3} \d{6}"),
        ("de_DE", r"01[5-7]\d \d{7,8}"),
        ("fr_FR", r"0[67]( \d\d){4}"),
        ("ja_JP", r"0[789]0-\d{4}-\d{4}"),
    ],
)
def test_phone_format(locale: str, pattern: str) -> None:
    phones = make_profiles(2000, locale, seed=7)["phone"]
    bad = [p for p in phones if not re.fullmatch(pattern, p)]
    assert not bad, bad[:5]


def test_ages_adult_and_skewed_to_working_age() -> None:
    # Ages count completed years on REFERENCE_DATE (2025-01-01) unless as_of is given.
    assert dt.date(2025, 1, 1) == REFERENCE_DATE
    age = _completed_years(make_profiles(20_000, "en_US", seed=8)["birth_date"], REFERENCE_DATE)
    assert age.min() >= 18 and age.max() <= 80
    assert 0.5 < ((age >= 25) & (age < 50)).mean() < 0.75
    assert 0.03 < (age < 25).mean() < 0.2 and 0.02 < (age >= 65).mean() < 0.15


def test_ages_relative_to_as_of_including_a_leap_day() -> None:
    on = dt.date(2024, 2, 29)
    birth = make_profiles(20_000, "zh_CN", seed=9, as_of="2024-02-29")["birth_date"]
    age = _completed_years(birth, on)
    assert age.min() >= 18 and age.max() <= 80
    assert birth.max() <= np.datetime64("2006-02-28")


def test_zero_customers() -> None:
    prof = make_profiles(0, "zh_CN", seed=1)
    assert set(prof) == set(KEYS)
    assert all(len(prof[k]) == 0 for k in KEYS)
    assert prof["birth_date"].dtype == np.dtype("datetime64[D]")


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="not supported"):
        make_profiles(5, "xx_XX", seed=1)
    with pytest.raises(ValueError, match=">= 0"):
        make_profiles(-1, "en_US", seed=1)


def test_pool_is_read_only() -> None:
    pool = profile_pool("en_US")
    with pytest.raises(ValueError):
        pool.female_names[0] = "X"


def test_fast_after_the_pool_is_warm() -> None:
    # A per-customer Faker call takes tens of seconds for 100k; the pool keeps it well under 1 s.
    profile_pool("zh_CN")
    make_profiles(1000, "zh_CN", seed=0)
    start = time.perf_counter()
    prof = make_profiles(100_000, "zh_CN", seed=1)
    assert len(prof["email"]) == 100_000
    assert time.perf_counter() - start < 2.0  # generous for a loaded CI machine
