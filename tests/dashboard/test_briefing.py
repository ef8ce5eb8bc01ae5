"""Briefing slides on the hand-made fixture store: each slide's one message, worked out by hand
from tests/fixture_store.py; both languages; pseudo-localisation to catch any text that bypasses
the catalogue; colour palettes that survive colour-blindness and greyscale; the URL's briefing
parameters."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import plotly.graph_objects as go
import polars as pl
import pytest
from shapely.geometry import Point, box

import geo
from dashboard import briefing, exports, i18n
from dashboard.catalogue_check import message_ids
from dashboard.filters import FilterState, parse_params
from geo.choropleth import PALETTES
from tests import fixture_store

LOCALE = Path(i18n.__file__).parent / "locale" / "id" / "LC_MESSAGES"
BRIEFING_SOURCES = ("dashboard/briefing.py", "pages/briefing.py", "dashboard/exports.py",
                    "dashboard/app.py")


def merged_catalogue() -> dict[str, str]:
    """The Indonesian catalogue as the app reads it."""
    return dict(i18n.catalogue("id"))


@pytest.fixture
def indonesian(monkeypatch):
    catalogue = merged_catalogue()
    monkeypatch.setattr(i18n, "catalogue", lambda lang: catalogue if lang == "id" else {})
    return catalogue


@pytest.fixture
def pseudo(monkeypatch):
    """Every translated text wrapped in «…»: whatever shows without them bypassed t()."""
    catalogue = {k: f"«{v}»" for k, v in merged_catalogue().items()}
    monkeypatch.setattr(i18n, "catalogue", lambda lang: catalogue if lang == "id" else {})


def no_map(level, scope):
    raise geo.BoundariesUnavailable("no boundary files in this test")


@pytest.fixture
def sources(fixture_engine):
    return replace(briefing.Sources.on(fixture_engine), map_layer=no_map)


def deck(sources, **state) -> dict[str, briefing.SlideContent]:
    ctx = briefing.context_for(FilterState(**state), sources)
    return {s.key: s for s in briefing.build_deck(ctx)}


# --- each slide's message, by hand from the fixture ----------------------------------------------

def test_cover_numbers_in_english(sources):
    cover = deck(sources, lang="en")["headline"]
    assert cover.title == "Situation in Indonesia"
    # latest pemilu case received: C6 on 26 Feb 2024
    assert cover.message == "Data up to 26 February 2024"
    # 6 pemilu cases; 6 of 9 obligations filed; 5 flags; 4 of 8 TPS have a PTPS
    assert dict(cover.numbers) == {"Violation cases": "6", "Reporting compliance": "66.7%",
                                   "Voter-list anomalies": "5", "TPS with a supervisor": "50.0%"}


def test_cover_in_indonesian(sources, indonesian):
    cover = deck(sources)["headline"]
    assert cover.title == "Situasi di Indonesia"
    assert cover.message == "Data sampai 26 Februari 2024"
    assert dict(cover.numbers)["Kepatuhan pelaporan"] == "66,7%"


def test_map_slide_names_the_highest_region_and_lists_without_boundaries(sources):
    slide = deck(sources, lang="en")["map"]
    # cases by province: 91 has C1–C4, 92 has C5, C6
    assert slide.message == "Highest: Provinsi Alfa, 4"
    assert slide.title == "Violation cases by Provinsi"  # level names stay Indonesian
    assert "No boundary files" in slide.note
    bars = slide.figure.data[0]
    assert list(bars.y) == ["Provinsi Beta", "Provinsi Alfa"]  # largest on top (reversed order)


def test_map_slide_for_compliance_names_the_lowest(sources):
    slide = deck(sources, lang="en", metric="compliance_rate")["map"]
    # 91: 5 of 7 obligations filed; 92: 1 of 2
    assert slide.message == "Lowest: Provinsi Beta, 50.0%"


def test_changes_slide(sources):
    slide = deck(sources, lang="en")["changes"]
    # 20–26 Feb: C4 (91) and C6 (92); 13–19 Feb: C3 (91)
    assert slide.message == ("2 cases received from 20 February 2024 to 26 February 2024: +1 "
                             "against the 7 days before")
    assert dict(slide.numbers) == {"Cases received": "2", "The 7 days before": "1"}
    bars = slide.figure.data[0]
    assert list(bars.y) == ["Provinsi Beta"] and list(bars.text) == ["+1"]  # 91 did not move


def test_funnel_slide(sources):
    slide = deck(sources, lang="en")["funnel"]
    assert slide.message == "3 of 6 cases were found to be violations (50.0%)"
    funnel = slide.figure.data[0]
    assert list(funnel.x) == [6, 5, 3, 3]  # received, registered (C1 C2 C3 C5 C6), found, sent
    # decided: C1 5 days, C6 3 days, C2 11 days, C3 19 days; C5 open since 2 Feb (> 14 days)
    assert dict(slide.numbers) == {"Decided within 7 days": "50.0%", "Open past the deadline": "1"}


def test_compliance_slide(sources):
    slide = deck(sources, lang="en")["compliance"]
    assert slide.message == "Provinsi Beta filed 50.0% of the reports it owed, the lowest"
    assert dict(slide.numbers) == {"All of Indonesia": "66.7%", "Reports missing": "3"}
    bars = slide.figure.data[0]
    assert list(bars.text)[::-1] == ["50.0% (1 / 2)", "71.4% (5 / 7)"]


def test_anomalies_slide(sources, indonesian):
    slide = deck(sources)["anomalies"]
    assert slide.message == "5 tanda anomali; paling sering: Belum cukup umur"
    # DPT: 420 + 165 + 290 + 155 + 515 voters; flags 1–4 are in province 91
    assert dict(slide.numbers) == {"Pemilih (DPT)": "1.545",
                                   "Tanda terbanyak: Provinsi Alfa": "4"}


def test_scope_narrows_every_slide(sources):
    slides = deck(sources, lang="en", scope="92")
    assert slides["headline"].title == "Situation in Provinsi Beta"
    assert dict(slides["headline"].numbers)["Violation cases"] == "2"
    assert slides["map"].title == "Violation cases by Kabupaten/Kota"
    assert slides["compliance"].message == "Kota Tujuh filed 50.0% of the reports it owed, the lowest"


def test_empty_selection_says_so(sources):
    slides = deck(sources, lang="en", election="pilkada2024", scope="92")
    assert slides["funnel"].message == "No data for this selection."
    assert slides["funnel"].figure is None


# --- language ---------------------------------------------------------------------------------

def visible_texts(slide: briefing.SlideContent) -> list[str]:
    """What a person sees on a slide: headings, the message, numbers, notes and chart text."""
    texts = [slide.title, slide.message, slide.note, *[label for label, _ in slide.numbers]]
    if slide.figure is not None:
        for trace in slide.figure.data:
            for attr in ("y", "text", "name"):
                value = getattr(trace, attr, None)
                if isinstance(value, str):
                    texts.append(value)
                elif value is not None and attr != "name":
                    texts.extend(str(v) for v in value)
        texts.extend(a.text for a in slide.figure.layout.annotations)
    return [t for t in texts if t]


REGION_NAMES = {name.title() for _, _, _, name in fixture_store.REGIONS} | {"Indonesia"}
NUMBERISH = re.compile(r"[+−±]?[\d.,]+%?( \([\d.,]+ / [\d.,]+\))?")


def test_pseudo_localised_deck_shows_no_text_that_bypassed_the_catalogue(sources, pseudo):
    for key, slide in deck(sources).items():
        for text in visible_texts(slide):
            if "«" in text or NUMBERISH.fullmatch(text) or text in REGION_NAMES:
                continue
            pytest.fail(f"slide {key}: {text!r} does not come from the catalogue")


def test_english_deck_carries_no_indonesian_text(sources, indonesian):
    indonesian_only = {v for k, v in indonesian.items() if v != k and len(v) > 3}
    for key, slide in deck(sources, lang="en").items():
        for text in visible_texts(slide):
            assert text not in indonesian_only, f"slide {key}: {text!r} is Indonesian"


def test_every_briefing_message_is_translated_with_its_placeholders():
    catalogue = merged_catalogue()
    placeholder = re.compile(r"\{(\w+)\}")
    ours = {m: where for m, where in message_ids().items() if where.startswith(BRIEFING_SOURCES)}
    assert len(ours) > 50  # slide titles (N_) and rule labels are found too
    untranslated = sorted(m for m in ours if m not in catalogue)
    assert untranslated == [], "add them to pending_briefing.po"
    for msgid in ours:
        assert set(placeholder.findall(msgid)) == set(placeholder.findall(catalogue[msgid])), msgid


def test_slide_titles_are_catalogue_ids():
    ids = message_ids()
    assert all(slide.title in ids for slide in briefing.SLIDES)


def test_numbers_dates_and_signs_per_language(sources, indonesian):
    assert briefing.signed(1234, "id") == "+1.234"
    assert briefing.signed(-1234, "en") == "−1,234"
    assert briefing.signed(0, "en") == "±0"
    assert deck(sources)["changes"].message.startswith(
        "2 kasus diterima 20 Februari 2024 sampai 26 Februari 2024")
    fig = deck(sources)["compliance"].figure
    assert fig.layout.separators == ",."  # axis numbers: 0,5 and 1.000 in Indonesian
    assert deck(sources, lang="en")["compliance"].figure.layout.separators == ".,"


# --- colour -------------------------------------------------------------------------------------

def luminance(hex_colour: str) -> float:
    """WCAG relative luminance: what is left of a colour on a greyscale print."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("name", list(PALETTES))
def test_map_classes_stay_ordered_in_greyscale(name):
    for colours in PALETTES[name].values():
        values = [luminance(c) for c in colours]
        assert values == sorted(values, reverse=True), colours  # lighter = lower class
        assert all(a - b > 0.04 for a, b in zip(values, values[1:], strict=False)), colours


def test_chart_colours_are_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert {briefing.BLUE, briefing.VERMILLION, briefing.ORANGE, briefing.SKY} <= okabe_ito


# --- static map ---------------------------------------------------------------------------------

def test_static_map_draws_enclaves_on_top_and_hatches_missing_values():
    layer = gpd.GeoDataFrame({
        "code": ["91.01", "91.71", "91.02"], "name": ["KAB. BESAR", "KOTA KECIL", "KAB. TANPA"],
        "geometry": [box(0, 0, 10, 10), box(4, 4, 5, 5), box(10, 0, 12, 2)]}, crs="EPSG:4326")
    values = pl.DataFrame({"region_code": ["91.01", "91.71"], "value": [1000.0, 2500.0]})
    fig = exports.static_map(layer, values, exports.MapText("Kasus", "Tidak ada data"), lang="id")
    shapes = [t for t in fig.data if isinstance(t, go.Scatter)]
    assert [t.name for t in shapes] == ["KAB. BESAR", "KAB. TANPA", "KOTA KECIL"]  # by area
    assert shapes[1].fillpattern.shape == "/"  # no value: hatched, readable without colour
    legend = [t.name for t in fig.data if isinstance(t, go.Bar)]
    # two values, two quantile classes split at their median (1,750)
    assert legend == ["1.000 – 1.750", "1.750 – 2.500", "Tidak ada data (1)"]


def test_static_map_of_village_points():
    layer = gpd.GeoDataFrame({"code": ["91.01.01.2001"], "name": ["DESA"],
                              "geometry": [Point(1, 1)]}, crs="EPSG:4326")
    fig = exports.static_map(layer, pl.DataFrame({"region_code": ["91.01.01.2001"],
                                                  "value": [3.0]}),
                             exports.MapText("x", "y"), lang="en")
    assert fig.data[0].mode == "markers"


# --- the URL ------------------------------------------------------------------------------------

def test_briefing_parameters_round_trip():
    state = FilterState(lang="en", scope="64", mode="briefing", slide=4, advance=30)
    parsed, notices = parse_params(state.to_params(), lambda code: code == "64")
    assert parsed == state and notices == []
    assert state.to_params()["slide"] == "4"


@pytest.mark.parametrize("params,bad", [
    ({"mode": "kiosk"}, "mode"), ({"slide": "0"}, "slide"), ({"slide": "100"}, "slide"),
    ({"slide": "-1"}, "slide"), ({"slide": "²"}, "slide"), ({"advance": "1"}, "advance"),
    ({"advance": "601"}, "advance"), ({"advance": "30.5"}, "advance"),
])
def test_briefing_parameters_are_bounded(params, bad):
    state, notices = parse_params(params, lambda code: False)
    assert [n.param for n in notices] == [bad] and state == FilterState()


def test_slide_index_stays_in_the_deck():
    assert briefing.slide_index(FilterState(slide=1)) == 0
    assert briefing.slide_index(FilterState(slide=99)) == len(briefing.SLIDES) - 1


def test_pack_carries_sources_and_the_synthetic_notice_only_when_synthetic(sources):
    ctx = briefing.context_for(FilterState(lang="en"), sources)
    pack = briefing.build_pack(ctx, briefing.build_deck(ctx), today=date(2024, 3, 7))
    assert pack.generated == "Made on 7 March 2024"
    assert len(pack.pages) == len(briefing.SLIDES) - 1  # the cover is the title page
    synthetic = bool(sources.datasets()["synthetic"].any())
    assert (pack.notice == "Simulated data — not official figures") is synthetic
    assert all(len(row) == len(pack.sources_header) for row in pack.sources)
