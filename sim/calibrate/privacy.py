"""Customer ids pseudonymised with a salted hash, the salt kept by the planner.

A pseudonym is the first 12 hex characters of HMAC-SHA256(salt, id): the same id and salt
always give the same pseudonym (a re-run, a later export of the same shop matches), and
without the salt nobody can test a guessed id against it. The salt lives in a file beside
the output folder (`twins/my_shop.salt` for `--out twins/my_shop`), never inside it, so
the twin can be shared without it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import numpy as np

from sim.calibrate.errors import SALT, one
from sim.i18n import _

PSEUDONYM_CHARS = 12
SALT_BYTES = 32


def default_salt_file(out: str | os.PathLike) -> Path:
    """`<out>.salt` beside the output folder."""
    out = Path(out)
    return out.with_name(out.name + ".salt")


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def load_salt(
    out: str | os.PathLike, salt_file: str | os.PathLike | None = None
) -> tuple[bytes, Path, bool]:
    """(the salt, its file, whether it is new). Reads the salt file, or makes a new random
    salt when there is none (`save_salt` writes it once the twin is written, so a failed
    run leaves nothing). A salt file inside the output folder is refused: the twin is meant
    to be shared, the salt is not."""
    path = Path(salt_file) if salt_file is not None else default_salt_file(out)
    if _inside(path, Path(out)):
        raise one(
            str(path),
            "--salt-file",
            _("a file outside the --out folder"),
            _("a file inside it, which would be shared with the twin"),
            _(
                "keep the salt beside the folder, e.g. --salt-file {file}",
                file=default_salt_file(out),
            ),
            kind=SALT,
        )
    if path.is_dir():
        raise one(str(path), "--salt-file", _("a file"), _("a directory"), kind=SALT)
    if not path.exists():
        return secrets.token_bytes(SALT_BYTES), path, True
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        salt = bytes.fromhex(text)
    except ValueError:
        salt = b""
    if len(salt) < 16:
        raise one(
            str(path),
            "--salt-file",
            _("a salt file this tool wrote (at least 32 hex characters)"),
            _("{n} characters that are not such a salt", n=len(text)),
            _("give the salt file of this shop, or a new path to make one"),
            kind=SALT,
        )
    return salt, path, False


def save_salt(path: Path, salt: bytes) -> None:
    """Write a new salt file, readable by its owner only; never replaces one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(salt.hex() + "\n")
    except OSError as exc:
        raise one(
            str(path),
            "--salt-file",
            _("a file that can be written"),
            str(exc.strerror or exc),
            _("choose another --salt-file"),
            kind=SALT,
        ) from None


def pseudonym(customer_id: str, salt: bytes) -> str:
    """The pseudonym of one id: 12 hex characters of HMAC-SHA256(salt, id)."""
    digest = hmac.new(salt, customer_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_CHARS]


def pseudonymise(ids: np.ndarray, salt: bytes) -> np.ndarray:
    """Each id's pseudonym (hashing each distinct id once)."""
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(ids, dtype=object))
    hashed = np.array([pseudonym(str(u), salt) for u in uniques], dtype=object)
    if len(set(hashed.tolist())) < len(hashed):  # two ids, one pseudonym: about 1 in 10^5
        option = "--salt-file"  # an option's name, the same in every language
        raise one(
            option,
            option,
            _("a salt under which every customer id has its own pseudonym"),
            _("two ids with the same pseudonym"),
            _("delete the salt file (or give a new --salt-file) to make another salt"),
            kind=SALT,
        )
    return hashed[codes]
