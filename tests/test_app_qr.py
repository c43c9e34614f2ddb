"""The QR code `make app` prints for the room's link (app/qr.py)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image

from app import qr

ZBARIMG = shutil.which("zbarimg")


def test_reed_solomon_matches_the_standards_worked_example():
    # "HELLO WORLD" at version 1-M (thonky.com's QR tutorial, after ISO/IEC 18004)
    data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
    assert qr.rs_remainder(data, 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]


@pytest.mark.parametrize(
    ("length", "size"), [(14, 21), (26, 25), (42, 29), (62, 33), (84, 37), (106, 41)]
)
def test_each_version_has_its_size_and_the_finder_patterns(length, size):
    m = qr.encode("x" * length)
    assert len(m) == size and all(len(row) == size for row in m)
    finder = [row[:7] for row in m[:7]]
    assert finder[0] == [True] * 7 and finder[3] == [True, False, True, True, True, False, True]
    assert [m[6][c] for c in range(8, size - 8)] == [c % 2 == 0 for c in range(8, size - 8)]


def test_a_link_too_long_for_version_6_is_refused():
    with pytest.raises(ValueError, match="107 bytes is too long"):
        qr.encode("x" * 107)


def save_png(matrix, path, scale: int = 6, quiet: int = 4) -> None:
    n = len(matrix) + 2 * quiet
    img = Image.new("L", (n * scale, n * scale), 255)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x, y = (c + quiet) * scale, (r + quiet) * scale
                img.paste(0, (x, y, x + scale, y + scale))
    img.save(path)


@pytest.mark.skipif(ZBARIMG is None, reason="zbarimg (Debian's zbar-tools) decodes the codes")
@pytest.mark.parametrize("mask", [None, *range(8)])
def test_a_phone_reader_decodes_every_version_and_mask(tmp_path, mask):
    for length in (5, 20, 40, 60, 80, 106):
        link = ("http://192.168.1.23:8866/?token=" + "aZ09-_" * 20)[:length]
        path = tmp_path / f"qr_{length}.png"
        save_png(qr.encode(link, mask=mask), path)
        out = subprocess.run([ZBARIMG, "--raw", "-q", str(path)], capture_output=True, text=True)
        assert out.stdout.strip() == link, (length, mask, out.stderr[-300:])


def test_the_terminal_picture_has_two_module_rows_a_line():
    link = "http://192.168.1.23:8866/?token=abc"
    lines = qr.text(link).splitlines()
    size = len(qr.encode(link)) + 8
    assert len(lines) == (size + 1) // 2 and {len(line) for line in lines} == {size}
