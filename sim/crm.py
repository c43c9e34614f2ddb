"""A messy CRM export of the customers table, the helpers to clean it, and privacy helpers.

`crm_extract` seeds duplicates (typos, other phone formats), missing fields and stale cities,
and returns the truth alongside so a cleaning exercise can be checked. All randomness comes
from one `numpy.random.SeedSequence`; no global state.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sim.i18n import _

EXPORT_SHEET = "crm_export"
CRM_COLUMNS = ["crm_id", "name", "gender", "birth_date", "city", "phone", "email", "signup_date"]


# ----------------------------------------------------------------- the messy extract


def _typo(name: str, rng: np.random.Generator) -> str:
    """One keyboard slip: swap two neighbours, double a character, or drop one (long names)."""
    if len(name) < 2:
        return name + name
    i = int(rng.integers(0, len(name) - 1))
    op = int(rng.integers(0, 3 if len(name) > 3 else 2))
    if op == 0:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if op == 1:
        return name[: i + 1] + name[i] + name[i + 1 :]
    return name[:i] + name[i + 1 :]


def _reformat_phone(phone: str, rng: np.random.Generator) -> str:
    """The same number written another way (country code, spaces, dashes, dots)."""
    d = re.sub(r"\D", "", phone.split("x")[0])
    if len(d) == 11:  # Chinese mobile
        styles = [f"+86 {d[:3]} {d[3:7]} {d[7:]}", f"{d[:3]}-{d[3:7]}-{d[7:]}", f"0086{d}"]
    else:
        styles = [f"+1 {d[:3]}-{d[3:6]}-{d[6:]}", f"{d[:3]}.{d[3:6]}.{d[6:]}", d]
    return styles[int(rng.integers(0, len(styles)))]


def crm_extract(
    customers: pd.DataFrame,
    seed: int = 0,
    duplicate_share: float = 0.08,
    missing_share: float = 0.05,
    stale_share: float = 0.10,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(extract, truth): the customers as a CRM export with seeded mess, and what is true.

    truth has one row per extract row: crm_id, customer_id (the real person), is_duplicate
    (a later copy of someone already listed), stale_city (city is an old address) and
    true_city.
    """
    dup_ss, miss_ss, stale_ss, order_ss = np.random.SeedSequence(seed).spawn(4)
    base = customers[["customer_id", *CRM_COLUMNS[1:]]].copy().reset_index(drop=True)
    base["phone"] = base["phone"].astype(str)
    rng = np.random.default_rng(dup_ss)
    n = len(base)
    picks = rng.choice(n, size=int(round(duplicate_share * n)), replace=False)
    copies = base.iloc[np.sort(picks)].copy()
    for idx in copies.index:
        what = rng.random(3)
        if what[0] < 0.6:
            copies.at[idx, "name"] = _typo(copies.at[idx, "name"], rng)
        if what[1] < 0.7:
            copies.at[idx, "phone"] = _reformat_phone(copies.at[idx, "phone"], rng)
        if what[2] < 0.5:
            copies.at[idx, "email"] = f"  {copies.at[idx, 'email'].upper()} "
    base["is_duplicate"] = False
    copies["is_duplicate"] = True
    rows = pd.concat([base, copies], ignore_index=True)
    rows["true_city"] = rows["city"]
    rng = np.random.default_rng(stale_ss)
    stale = rng.random(len(rows)) < stale_share
    cities = rows["city"].unique()
    rows.loc[stale, "city"] = rng.choice(cities, size=int(stale.sum()))
    rows["stale_city"] = rows["city"] != rows["true_city"]
    rng = np.random.default_rng(miss_ss)
    for col in ("phone", "email", "city", "birth_date"):
        gone = rng.random(len(rows)) < missing_share
        rows.loc[gone, col] = None
    rows = rows.iloc[np.random.default_rng(order_ss).permutation(len(rows))]
    rows["crm_id"] = np.arange(1, len(rows) + 1)
    rows = rows.reset_index(drop=True)
    truth = rows[["crm_id", "customer_id", "is_duplicate", "stale_city", "true_city"]].copy()
    # the copy listed first (lowest crm_id) is the original; later ones are duplicates
    truth["is_duplicate"] = truth.duplicated("customer_id", keep="first")
    return rows[CRM_COLUMNS].copy(), truth


def extract_to_excel(
    extract: pd.DataFrame, path: str | os.PathLike, overwrite: bool = False
) -> Path:
    """The messy extract as the workbook a CRM hands over (sheet `crm_export`, and a README
    sheet describing its columns), written atomically; missing fields are empty cells. The
    headers are the column names in every language (the README sheet gives the labels), so
    the same code reads it."""
    from sim import workbook

    return workbook.to_excel(
        {EXPORT_SHEET: extract}, path, overwrite=overwrite, option="path", labels=False
    )


# ----------------------------------------------------------------- cleaning


def normalise_phone(phone, country_code: str = "86") -> str:
    """Digits only, extension dropped, without the leading 00/+ country code.

    A Chinese mobile has 11 digits (+86 makes 13); a US number 10 (+1 makes 11). Give the
    country code of the data, since "1" + 10 digits also looks like a Chinese mobile.
    """
    if phone is None or (isinstance(phone, float) and np.isnan(phone)):
        return ""
    digits = re.sub(r"\D", "", str(phone).split("x")[0]).removeprefix("00")
    size = {"86": 11, "1": 10}.get(country_code, len(digits) - len(country_code))
    if digits.startswith(country_code) and len(digits) == len(country_code) + size:
        return digits[len(country_code) :]
    return digits


def normalise_email(email) -> str:
    """Trimmed and lower-case ('' when missing)."""
    if email is None or (isinstance(email, float) and np.isnan(email)):
        return ""
    return str(email).strip().lower()


def duplicate_candidates(
    extract: pd.DataFrame, name_similarity: float = 0.75, country_code: str = "86"
) -> pd.DataFrame:
    """Pairs of rows (crm_id_a < crm_id_b) that may be one person, and why.

    Same normalised phone, or same normalised e-mail, or same birth date with similar names.
    """
    df = extract.assign(
        _phone=extract["phone"].map(lambda p: normalise_phone(p, country_code)),
        _email=extract["email"].map(normalise_email),
    )
    pairs: dict[tuple[int, int], str] = {}
    for key, reason in (("_phone", "phone"), ("_email", "email"), ("birth_date", "birth date")):
        sub = df[df[key].notna() & (df[key].astype(str) != "")]
        for _value, grp in sub.groupby(key):
            if len(grp) < 2:
                continue
            ids = grp["crm_id"].to_numpy()
            names = grp["name"].astype(str).to_numpy()
            for i in range(len(ids)):
                for j in range(i + 1, len(ids)):
                    if reason == "birth date":
                        ratio = difflib.SequenceMatcher(None, names[i], names[j]).ratio()
                        if ratio < name_similarity:
                            continue
                    pair = (min(ids[i], ids[j]), max(ids[i], ids[j]))
                    pairs.setdefault(pair, reason)
    out = pd.DataFrame(
        [(a, b, r) for (a, b), r in sorted(pairs.items())],
        columns=["crm_id_a", "crm_id_b", "reason"],
    )
    return out


def true_duplicate_pairs(truth: pd.DataFrame) -> set[tuple[int, int]]:
    """Every pair of extract rows that belong to the same customer."""
    out = set()
    for _customer, grp in truth.groupby("customer_id"):
        ids = sorted(grp["crm_id"])
        out |= {(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]}
    return out


def check_duplicates(pairs: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Precision and recall of found duplicate pairs, with examples of misses and mistakes."""
    found = set(zip(pairs["crm_id_a"], pairs["crm_id_b"], strict=True))
    found = {(min(a, b), max(a, b)) for a, b in found}
    real = true_duplicate_pairs(truth)
    hit = found & real
    return {
        "found": len(found),
        "true_pairs": len(real),
        "precision": len(hit) / len(found) if found else float("nan"),
        "recall": len(hit) / len(real) if real else float("nan"),
        "missed": sorted(real - found)[:5],
        "wrong": sorted(found - real)[:5],
    }


def merge_duplicates(extract: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per group of linked rows: the lowest crm_id kept, gaps filled from the others."""
    parent = {i: i for i in extract["crm_id"]}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(pairs["crm_id_a"], pairs["crm_id_b"], strict=True):
        ra, rb = root(a), root(b)
        parent[max(ra, rb)] = min(ra, rb)
    group = extract["crm_id"].map(root)
    merged = extract.sort_values("crm_id").groupby(group.rename("group")).first()
    return merged.reset_index(drop=True)


# ----------------------------------------------------------------- privacy


def pseudonymise(ids, key: str) -> pd.Series:
    """Stable keyed pseudonyms (HMAC-SHA256, 12 hex digits): same id + key -> same pseudonym."""
    k = key.encode()
    return pd.Series(
        [hmac.new(k, str(i).encode(), hashlib.sha256).hexdigest()[:12] for i in ids],
        index=ids.index if isinstance(ids, pd.Series) else None,
    )


def mask_phone(phone, country_code: str = "86") -> str:
    """Keep the first 3 and last 4 digits: 138****5678."""
    d = normalise_phone(phone, country_code)
    return f"{d[:3]}{'*' * max(len(d) - 7, 0)}{d[-4:]}" if len(d) >= 7 else ("*" * len(d))


def mask_email(email) -> str:
    """Keep the first letter and the domain: z*******@qq.com."""
    e = normalise_email(email)
    if "@" not in e:
        return "*" * len(e)
    user, domain = e.split("@", 1)
    return f"{user[:1]}{'*' * max(len(user) - 1, 1)}@{domain}"


# What each role may see; "masked:" columns are shown masked, absent columns are dropped.
ROLE_COLUMNS: dict[str, list[str]] = {
    "service agent": ["crm_id", "name", "masked:phone", "masked:email", "city"],
    "marketing analyst": ["pseudonym", "gender", "city", "signup_date"],
    "store manager": ["crm_id", "name", "gender", "city", "masked:phone"],
    "data protection officer": CRM_COLUMNS,
}


def role_view(extract: pd.DataFrame, role: str, key: str = "workshop") -> pd.DataFrame:
    """The columns `role` may see (ROLE_COLUMNS), masked or pseudonymised where required."""
    if role not in ROLE_COLUMNS:
        raise KeyError(
            _(
                "unknown role {role}; roles are {roles}",
                role=repr(role),
                roles=", ".join(ROLE_COLUMNS),
            )
        )
    out = pd.DataFrame(index=extract.index)
    for col in ROLE_COLUMNS[role]:
        if col == "pseudonym":
            out[col] = pseudonymise(extract["crm_id"], key).to_numpy()
        elif col.startswith("masked:"):
            name = col.split(":", 1)[1]
            fn = mask_phone if name == "phone" else mask_email
            out[name] = extract[name].map(fn, na_action="ignore")
        else:
            out[col] = extract[col]
    return out
