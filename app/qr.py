"""A QR code for the room's link, drawn in the terminal (pure Python: no package needed).

Byte mode, error correction level M, versions 1 to 6 (up to 106 bytes: a link with an IP
address, a port and a token takes about 45), following ISO/IEC 18004: Reed-Solomon over
GF(256), the eight masks scored by the standard's four penalty rules.
"""

from __future__ import annotations

# version: (error-correction codewords per block, blocks, alignment-pattern centre or 0)
_VERSIONS_M = {1: (10, 1, 0), 2: (16, 1, 18), 3: (26, 1, 22), 4: (18, 2, 26), 5: (24, 2, 30),
               6: (16, 4, 34)}  # fmt: skip
_RAW_CODEWORDS = {1: 26, 2: 44, 3: 70, 4: 100, 5: 134, 6: 172}
_FORMAT_M = 0b00  # the level's two format bits (L 01, M 00, Q 11, H 10)
_MASKS = (
    lambda r, c: (r + c) % 2 == 0,
    lambda r, c: r % 2 == 0,
    lambda r, c: c % 3 == 0,
    lambda r, c: (r + c) % 3 == 0,
    lambda r, c: (r // 2 + c // 3) % 2 == 0,
    lambda r, c: r * c % 2 + r * c % 3 == 0,
    lambda r, c: (r * c % 2 + r * c % 3) % 2 == 0,
    lambda r, c: ((r + c) % 2 + r * c % 3) % 2 == 0,
)

Matrix = list[list[bool]]


def _gf_tables() -> tuple[list[int], list[int]]:
    exp, log, x = [0] * 512, [0] * 256, 1
    for i in range(255):
        exp[i], log[x] = x, i
        x <<= 1
        if x & 0x100:
            x ^= 0x11D
    for i in range(255, 512):
        exp[i] = exp[i - 255]
    return exp, log


_EXP, _LOG = _gf_tables()


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def rs_remainder(data: list[int], degree: int) -> list[int]:
    """The `degree` Reed-Solomon check bytes of `data` (generator roots 2**0 .. 2**(degree-1))."""
    gen = [1]
    for i in range(degree):  # multiply by (x - 2**i)
        gen = [a ^ _gf_mul(b, _EXP[i]) for a, b in zip([*gen, 0], [0, *gen], strict=True)]
    rem = [0] * degree
    for byte in data:
        factor = byte ^ rem[0]
        rem = [*rem[1:], 0]
        for j in range(degree):
            rem[j] ^= _gf_mul(gen[j + 1], factor)
    return rem


def _codewords(text: bytes, version: int) -> list[int]:
    ec_len, blocks, _ = _VERSIONS_M[version]
    data_len = _RAW_CODEWORDS[version] - ec_len * blocks
    bits = f"0100{len(text):08b}" + "".join(f"{b:08b}" for b in text)
    bits += "0" * min(4, data_len * 8 - len(bits))
    bits += "0" * (-len(bits) % 8)
    data = [int(bits[i : i + 8], 2) for i in range(0, len(bits), 8)]
    data += [0xEC, 0x11] * ((data_len - len(data)) // 2 + 1)
    data = data[:data_len]
    size = data_len // blocks  # every block has the same size at level M, versions 1-6
    split = [data[i * size : (i + 1) * size] for i in range(blocks)]
    checks = [rs_remainder(block, ec_len) for block in split]
    interleaved = [b[i] for i in range(size) for b in split]
    return interleaved + [c[i] for i in range(ec_len) for c in checks]


def _function_modules(version: int) -> tuple[Matrix, Matrix]:
    """The finder, timing and alignment patterns (dark, and which modules they take)."""
    n = 17 + 4 * version
    dark = [[False] * n for _ in range(n)]
    fixed = [[False] * n for _ in range(n)]

    def put(r: int, c: int, value: bool) -> None:
        if 0 <= r < n and 0 <= c < n:
            dark[r][c], fixed[r][c] = value, True

    for i in range(n):
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    for r0, c0 in ((3, 3), (3, n - 4), (n - 4, 3)):  # finders with their white separators
        for dr in range(-4, 5):
            for dc in range(-4, 5):
                ring = max(abs(dr), abs(dc))
                put(r0 + dr, c0 + dc, ring not in (2, 4))
    centre = _VERSIONS_M[version][2]
    if centre:
        for dr in range(-2, 3):
            for dc in range(-2, 3):
                put(centre + dr, centre + dc, max(abs(dr), abs(dc)) != 1)
    for i in (0, 1, 2, 3, 4, 5, 7, 8):  # reserve the format areas (drawn with the mask)
        put(8, i, False)
        put(i, 8, False)
    for i in range(8):
        put(8, n - 1 - i, False)
        put(n - 1 - i, 8, False)
    put(n - 8, 8, True)  # the dark module
    return dark, fixed


def _draw_format(dark: Matrix, mask: int) -> None:
    n = len(dark)
    data = _FORMAT_M << 3 | mask
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    bits = (data << 10 | rem) ^ 0x5412
    bit = [(bits >> i) & 1 == 1 for i in range(15)]
    for i in range(6):
        dark[i][8] = bit[i]
    dark[7][8], dark[8][8], dark[8][7] = bit[6], bit[7], bit[8]
    for i in range(9, 15):
        dark[8][14 - i] = bit[i]
    for i in range(8):
        dark[8][n - 1 - i] = bit[i]
    for i in range(8, 15):
        dark[n - 15 + i][8] = bit[i]
    dark[n - 8][8] = True


def _place(dark: Matrix, fixed: Matrix, codewords: list[int]) -> None:
    n, i = len(dark), 0
    bits = [(byte >> (7 - k)) & 1 == 1 for byte in codewords for k in range(8)]
    right = n - 1
    while right >= 1:
        if right == 6:
            right = 5
        for vert in range(n):
            for j in range(2):
                c = right - j
                upward = (right + 1) & 2 == 0
                r = n - 1 - vert if upward else vert
                if not fixed[r][c] and i < len(bits):
                    dark[r][c] = bits[i]
                    i += 1
        right -= 2


def _penalty(m: Matrix) -> int:
    n, score = len(m), 0
    lines = [*m, *([m[r][c] for r in range(n)] for c in range(n))]
    for line in lines:  # rule 1: runs of five or more; rule 3: finder-like patterns
        run = 1
        for a, b in zip(line, line[1:], strict=False):
            run = run + 1 if a == b else 1
            score += (run == 5) * 3 + (run > 5)
        s = "".join("1" if x else "0" for x in line)
        score += 40 * (s.count("10111010000") + s.count("00001011101"))
    for r in range(n - 1):  # rule 2: 2x2 blocks of one colour
        for c in range(n - 1):
            score += 3 * (m[r][c] == m[r][c + 1] == m[r + 1][c] == m[r + 1][c + 1])
    dark = sum(map(sum, m))  # rule 4: balance of dark and light
    return score + 10 * (abs(dark * 20 - n * n * 10) // (n * n))


def encode(text: str, mask: int | None = None) -> Matrix:
    """The QR code of `text` (UTF-8) as rows of modules, True = dark; ValueError if too long.
    The mask is the one the standard's penalty prefers, unless one (0-7) is given."""
    data = text.encode("utf-8")
    for version in _VERSIONS_M:
        ec_len, blocks, _ = _VERSIONS_M[version]
        if len(data) * 8 + 12 <= (_RAW_CODEWORDS[version] - ec_len * blocks) * 8:
            break
    else:
        raise ValueError(f"{len(data)} bytes is too long for a QR code of version 6 or less")
    codewords = _codewords(data, version)
    best = None
    for mask_, rule in enumerate(_MASKS):
        if mask is not None and mask_ != mask:
            continue
        dark, fixed = _function_modules(version)
        _place(dark, fixed, codewords)
        n = len(dark)
        for r in range(n):
            for c in range(n):
                if not fixed[r][c] and rule(r, c):
                    dark[r][c] = not dark[r][c]
        _draw_format(dark, mask_)
        score = _penalty(dark)
        if best is None or score < best[0]:
            best = (score, dark)
    return best[1]


def text(link: str, quiet: int = 4) -> str:
    """The QR code of `link` in half-block characters (two rows a line), light on dark-text
    terminals as well: dark modules are spaces on a light (█) background."""
    m = encode(link)
    n = len(m) + 2 * quiet
    grid = [[False] * n for _ in range(quiet)]
    grid += [[False] * quiet + row + [False] * quiet for row in m]
    grid += [[False] * n for _ in range(quiet + 1)]
    chars = {(False, False): "█", (True, False): "▄", (False, True): "▀", (True, True): " "}
    return "\n".join(
        "".join(chars[grid[r][c], grid[r + 1][c]] for c in range(n)) for r in range(0, n, 2)
    )
