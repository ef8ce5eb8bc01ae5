"""The PDF briefing pack and the PNG downloads on the national demo store, rendered for real
(kaleido and Playwright driving Debian's Chromium) and read back with Debian's poppler-utils:
pdftoppm turns every page into a PNG, pdftotext gives its words."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from dashboard import briefing, exports
from dashboard.filters import FilterState
from tests.dashboard.test_briefing import merged_catalogue

pytestmark = pytest.mark.national

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="Debian's poppler-utils is not installed (apt-get install poppler-utils): the PDF "
           "pack cannot be turned into PNG pages to check it")


@pytest.fixture
def indonesian(monkeypatch):
    from dashboard import i18n

    catalogue = merged_catalogue()
    monkeypatch.setattr(i18n, "catalogue", lambda lang: catalogue if lang == "id" else {})


@pytest.fixture(scope="module")
def national(demo_engine):
    return replace(briefing.Sources.on(demo_engine), map_layer=exports.map_layer)


def ink(image: Image.Image) -> float:
    """Share of pixels that are not paper-white."""
    grey = image.convert("L")
    histogram = grey.histogram()
    return 1 - sum(histogram[245:]) / (grey.width * grey.height)


@needs_poppler
def test_pdf_pack_renders_every_page(national, indonesian, tmp_path: Path):
    ctx = briefing.context_for(FilterState(), national)
    deck = briefing.build_deck(ctx)
    pdf = exports.pdf_pack(briefing.build_pack(ctx, deck))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    # a cover, one page for each slide after the cover, the data sources
    assert len(pages) == 1 + (len(briefing.SLIDES) - 1) + 1
    for page in pages:
        with Image.open(page) as image:
            assert image.width > image.height  # A4 landscape
            assert ink(image) > 0.01, f"{page.name} is blank"
    # the map and chart pages carry a picture, not just a heading: far more ink than the cover
    with Image.open(pages[1]) as cover_like, Image.open(pages[0]) as cover:
        assert ink(cover_like) > ink(cover)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, timeout=60,
                          capture_output=True, text=True).stdout
    sheets = text.split("\f")
    assert all("Data simulasi — bukan data resmi" in s for s in sheets if s.strip())
    assert "Sumber data" in sheets[len(pages) - 1]
    assert "2.264" in sheets[0]  # the demo's Pemilu 2024 cases, written the Indonesian way
    assert "Corong penanganan pelanggaran" in text


def test_png_of_a_chart_is_full_hd(national):
    ctx = briefing.context_for(FilterState(lang="en"), national)
    slide = briefing.funnel_slide(ctx)
    png = exports.figure_png(slide.figure)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (1920, 1080)
        assert ImageStat.Stat(image.convert("L")).stddev[0] > 10  # drawn, not a blank canvas


def test_map_png_keeps_its_classes_apart_in_greyscale(national):
    ctx = briefing.context_for(FilterState(lang="en", metric="cases"), national)
    slide = briefing.map_slide(ctx)
    legend = [t.marker.color for t in slide.figure.data if t.type == "bar"]
    png = exports.figure_png(slide.figure, scale=0.5)
    with Image.open(io.BytesIO(png)) as image:
        histogram = image.convert("L").histogram()
    # PIL's greyscale (ITU-R 601-2 luma), worked out from each legend colour
    greys = [round(0.299 * int(c[1:3], 16) + 0.587 * int(c[3:5], 16) + 0.114 * int(c[5:7], 16))
             for c in legend]
    assert len(greys) == 5
    assert all(a - b >= 20 for a, b in zip(greys, greys[1:], strict=False)), greys
    for grey in greys:  # each class covers real area of the printed map, not only its swatch
        assert sum(histogram[max(grey - 2, 0):grey + 3]) > 500, grey
