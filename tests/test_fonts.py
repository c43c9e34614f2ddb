"""Charts with Chinese labels render every glyph once ``use_cjk_fonts`` has run."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.views import fonts
from sim.views.fonts import bundled_font_file, use_cjk_fonts
from sim.world.profiles import profile_pool

CITIES = ["北京", "上海", "广州", "Shenzhen"]
TITLE = "活跃客户 active customers"


@pytest.fixture(autouse=True)
def _restore_rcparams() -> Iterator[None]:
    """Each test changes rcParams only inside this context."""
    with matplotlib.rc_context():
        yield


def _render(path: Path) -> list[str]:
    """Draw a small chart mixing Chinese and English to a PNG; return the warnings raised."""
    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.bar(CITIES, [5, 4, 3, 2], label="客户数 customers")
    ax.set_title(TITLE)
    ax.set_ylabel("客户数 (count)")
    ax.text(0.5, 4.5, "王芳 · 李伟 · 张秀英")
    ax.legend()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(path)
    assert path.stat().st_size > 0
    return [str(w.message) for w in caught]


def _missing(messages: list[str]) -> list[str]:
    return [m for m in messages if "missing from font" in m]


def test_bundled_font_is_installed_and_named_from_the_file() -> None:
    path = bundled_font_file()
    assert path is not None, "pip install cvttf-notosanscjk-regular (pinned in pyproject.toml)"
    families = use_cjk_fonts()
    assert families[0] == "DejaVu Sans"
    assert families[1] == font_manager.get_font(str(path)).family_name == "Noto Sans CJK TC"
    assert list(matplotlib.rcParams["font.family"]) == families


def test_chinese_and_english_render_without_missing_glyphs(tmp_path: Path) -> None:
    use_cjk_fonts()
    messages = _render(tmp_path / "chart.png")
    assert not _missing(messages), _missing(messages)


def test_negative_control_latin_font_alone_misses_chinese_glyphs(tmp_path: Path) -> None:
    # Proves the check above can fail: the same chart with DejaVu Sans alone warns.
    use_cjk_fonts()
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    missing = _missing(_render(tmp_path / "boxes.png"))
    assert any("CJK UNIFIED IDEOGRAPH" in m for m in missing), missing


def test_idempotent() -> None:
    first = use_cjk_fonts()
    count = len(font_manager.fontManager.ttflist)
    for _ in range(5):
        assert use_cjk_fonts() == first
    assert len(font_manager.fontManager.ttflist) == count


def test_import_changes_nothing() -> None:
    with matplotlib.rc_context({"font.family": ["sans-serif"]}):
        importlib.reload(fonts)
        assert list(matplotlib.rcParams["font.family"]) == ["sans-serif"]


def test_without_the_package_falls_back_to_system_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "BUNDLED_FONT_PACKAGE", "no_such_font_package")
    assert fonts.bundled_font_file() is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # warns when the system has no CJK font either
        families = fonts.use_cjk_fonts()
    assert families[0] == "DejaVu Sans"
    assert "Noto Sans CJK TC" not in families
    assert set(families[1:]) <= set(fonts.SYSTEM_CJK_FAMILIES)


@pytest.mark.parametrize("locale", ["zh_CN", "ja_JP"])
def test_bundled_font_covers_every_generated_name_and_city(locale: str) -> None:
    path = bundled_font_file()
    assert path is not None
    font = font_manager.get_font(str(path))
    pool = profile_pool(locale)
    text = "".join([*pool.female_names, *pool.male_names, *pool.cities]).replace(" ", "")
    lacking = sorted({ch for ch in text if font.get_char_index(ord(ch)) == 0})
    assert not lacking, lacking


def test_cjk_fonts_changes_rcparams_inside_only() -> None:
    matplotlib.rcParams["font.family"] = ["serif"]
    with fonts.cjk_fonts() as families:
        assert families[:2] == ["DejaVu Sans", "Noto Sans CJK TC"]
        assert list(matplotlib.rcParams["font.family"]) == families
    assert list(matplotlib.rcParams["font.family"]) == ["serif"]


def test_a_chart_drawn_inside_cjk_fonts_needs_no_global_setting(tmp_path: Path) -> None:
    """The Latin font alone is set for the process (as in a program that never heard of us);
    the chart made and saved inside ``cjk_fonts()`` still has every glyph, and the process's
    setting is the same afterwards."""
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    with fonts.cjk_fonts():
        messages = _render(tmp_path / "inside.png")
    assert not _missing(messages), _missing(messages)
    assert list(matplotlib.rcParams["font.family"]) == ["DejaVu Sans"]
    # the same chart outside: boxes, so the check above could fail
    assert any("CJK UNIFIED IDEOGRAPH" in m for m in _missing(_render(tmp_path / "out.png")))


def test_the_report_charts_render_chinese_and_leave_rcparams_alone() -> None:
    """sim's own chart writers (report, lab, tournament) wrap themselves in cjk_fonts():
    a variant with a Chinese name renders, and the caller's font setting is untouched."""
    import pandas as pd

    from sim.views.report import _png, plot_metric_cis

    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    means = pd.DataFrame(
        {
            "variant": ["baseline", "周末双倍积分", "会员日"],
            "metric": "revenue",
            "mean": [100.0, 120.0, 90.0],
            "ci_low": [95.0, 112.0, 85.0],
            "ci_high": [105.0, 128.0, 95.0],
            "n": 5,
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = _png(plot_metric_cis(means, "revenue"))
    assert page.startswith("<img")
    assert not _missing([str(w.message) for w in caught])
    assert list(matplotlib.rcParams["font.family"]) == ["DejaVu Sans"]
