"""Charts and maps as files: a PNG of any chart, a static map for print, the PDF briefing pack.

Everything renders on the server, offline, in Debian's Chromium: kaleido (plotly's renderer)
drives it for the PNG and SVG images, Playwright prints the pack's HTML to PDF. Kaleido 1.x would
otherwise look for a Chrome it downloaded itself, then for one on PATH, and fetch MathJax and the
world map from CDNs; here the browser path, the local plotly.js and "no MathJax" are passed
explicitly, and the map is drawn on plain axes (no geo subplot, so no topojson to fetch).

Static maps use the interactive map's classes and ColorBrewer palette (geo.choropleth), so a PNG,
the PDF and the screen agree, and stay readable in greyscale (lightness rises with the value;
regions without data are hatched).
"""

from __future__ import annotations

import asyncio
import base64
import html
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go
import polars as pl
import shapely

import geo
from geo.choropleth import classify
from pantau.formatting import format_number, format_share

# Debian's package, the usual names on PATH; PANTAU_CHROMIUM overrides. Never a downloaded build.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
# One canvas for a chart on screen, in a PNG and in the PDF, so all three look the same; text
# sizes in the figures are chosen for it. PNG downloads render it at 1.5× (1920 × 1080 pixels).
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
PNG_SCALE = 1.5
RENDER_TIMEOUT_SECONDS = 90
# Two cores: at most two browsers render at once, however many visitors click "download".
_RENDER_SLOTS = threading.BoundedSemaphore(2)

NO_DATA_COLOR = "#f0f0f0"
# Dark borders: a light region's coastline stays visible on white paper, on a washed-out
# projector and in greyscale, where the lightest class (#ffffcc) is almost white.
BORDER = "#4d4d4d"
MAP_BACKGROUND = "#ffffff"
NO_DATA_HATCH = "#8c8c8c"
FONT_FAMILY = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
INK = "#111111"


class ExportUnavailable(RuntimeError):
    """The renderer cannot run here (no Chromium, or it failed); the page says so in words."""


def chromium_path() -> str:
    """The browser kaleido and Playwright drive: ``PANTAU_CHROMIUM`` or Debian's chromium."""
    configured = os.environ.get("PANTAU_CHROMIUM")
    # An operator's setting is taken at its word: a wrong path says so instead of silently
    # rendering with another browser.
    for candidate in [configured] if configured else CHROMIUM_CANDIDATES:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.access(path, os.X_OK):
            return path
    raise ExportUnavailable("Chromium is not installed (Debian: apt-get install chromium); "
                            "set PANTAU_CHROMIUM to its path if it lives elsewhere.")


def _plotly_js() -> str:
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # kaleido would silently fall back to a CDN
        raise ExportUnavailable(f"plotly.js is missing from the plotly package ({path})")
    return str(path)


def _in_worker(fn: Callable[[], object]) -> object:
    """Run ``fn`` in a fresh thread: asyncio.run and Playwright's sync API both refuse a thread
    that already runs an event loop, and the caller may be one (tests, Streamlit, a CLI)."""
    with _RENDER_SLOTS, ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def render_images(figures: Sequence[go.Figure], fmt: str = "png", width: int = SLIDE_WIDTH,
                  height: int = SLIDE_HEIGHT, scale: float = 1.0) -> list[bytes]:
    """Each figure as PNG or SVG bytes, all in one browser session (a start costs seconds).
    ``width`` × ``height`` is the canvas of figures that do not set their own size."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown image format {fmt!r}; expected png or svg")
    if not figures:
        return []
    import kaleido

    options = {"path": chromium_path(), "plotlyjs": _plotly_js(), "mathjax": False,
               "timeout": RENDER_TIMEOUT_SECONDS}

    def opts(fig: go.Figure) -> dict[str, object]:
        """The canvas: the figure's own size when it sets one (a wide map), else the slide's."""
        return {"format": fmt, "scale": scale, "width": fig.layout.width or width,
                "height": fig.layout.height or height}

    async def render() -> list[bytes]:
        async with kaleido.Kaleido(n=1, **options) as browser:
            return [await browser.calc_fig(fig.to_dict(), opts=opts(fig)) for fig in figures]

    try:
        return _in_worker(lambda: asyncio.run(render()))  # type: ignore[return-value]
    except ExportUnavailable:
        raise
    except Exception as exc:  # kaleido wraps browser failures in several types
        raise ExportUnavailable(f"the chart could not be rendered: {exc}") from exc


def figure_png(fig: go.Figure, width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT,
               scale: float = PNG_SCALE) -> bytes:
    """One chart as a PNG, the download every chart offers."""
    return render_images([fig], "png", width, height, scale)[0]


# ---------------------------------------------------------------------------------------------
# Static choropleth
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MapText:
    """Words on a static map, already translated by the caller."""

    legend_title: str
    no_data: str


def _rings(geometry) -> list[np.ndarray]:
    """Exterior rings of a (multi)polygon: holes are drawn by the smaller regions on top."""
    parts = getattr(geometry, "geoms", [geometry])
    return [np.asarray(p.exterior.coords) for p in parts if p.geom_type == "Polygon"]


def _path(rings: list[np.ndarray]) -> tuple[list[float | None], list[float | None]]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in rings:
        xs.extend(ring[:, 0].tolist() + [None])
        ys.extend(ring[:, 1].tolist() + [None])
    return xs, ys


def static_map(layer: gpd.GeoDataFrame, values: pl.DataFrame, text: MapText, *, lang: str,
               scheme: str = "quantiles", decimals: int = 0, as_share: bool = False,
               font_size: int = 22) -> go.Figure:
    """A choropleth on plain axes: one filled path per region, largest first so an enclave (a
    kota inside its kabupaten) is drawn over its surroundings; a legend of the same classes the
    interactive map uses; no basemap. ``values`` has ``region_code`` and ``value``."""
    by_code = dict(zip(values["region_code"].to_list(), values["value"].to_list(), strict=True))
    raw = [by_code.get(code) for code in layer["code"]]
    present = np.array([v is not None and not (isinstance(v, float) and np.isnan(v))
                        for v in raw], dtype=bool)
    classes, class_of = classify(np.array([v for v, p in zip(raw, present, strict=True) if p],
                                          dtype=float), scheme)  # type: ignore[arg-type]
    fmt = (lambda v: format_share(v, lang, decimals)) if as_share else (
        lambda v: format_number(v, lang, decimals))
    colour = np.full(len(raw), "", dtype=object)
    colour[present] = [classes.colors[i] for i in class_of]
    # Planar area in degrees: only the order matters, and near the equator it is the true one.
    order = shapely.area(layer.geometry.to_numpy()).argsort()[::-1]
    fig = go.Figure()
    is_points = bool(len(layer)) and bool(layer.geom_type.eq("Point").all())
    for i in order:
        geometry = layer.geometry.iloc[i]
        if geometry is None or geometry.is_empty:
            continue
        name = str(layer["name"].iloc[i])
        if is_points:
            fig.add_trace(go.Scatter(
                x=[geometry.x], y=[geometry.y], mode="markers", showlegend=False, name=name,
                marker={"size": 11, "color": colour[i] or NO_DATA_COLOR,
                        "line": {"color": INK if present[i] else NO_DATA_HATCH, "width": 1}}))
            continue
        xs, ys = _path(_rings(geometry))
        style: dict[str, object] = {"fillcolor": colour[i]} if present[i] else {
            "fillcolor": NO_DATA_COLOR,
            "fillpattern": {"shape": "/", "fgcolor": NO_DATA_HATCH, "bgcolor": NO_DATA_COLOR,
                            "size": 8, "solidity": 0.25}}
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", showlegend=False,
                                 name=name, hoverinfo="name",
                                 line={"color": BORDER, "width": 0.7}, **style))
    lows = [classes.lower, *classes.bins[:-1]] if classes.bins else []
    legend = [(c, f"{fmt(lo)} – {fmt(hi)}", {})
              for c, lo, hi in zip(classes.colors, lows, classes.bins, strict=True)]
    missing = int((~present).sum())
    if missing:
        legend.append((NO_DATA_COLOR, f"{text.no_data} ({format_number(missing, lang)})",
                       {"pattern": {"shape": "/", "fgcolor": NO_DATA_HATCH,
                                    "bgcolor": NO_DATA_COLOR}}))
    for color, label, extra in legend:  # legend swatches: bars of zero size in the legend only
        fig.add_trace(go.Bar(x=[None], y=[None], name=label, showlegend=True,
                             marker={"color": color, "line": {"color": "#8c8c8c", "width": 1},
                                     **extra}))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1, constrain="domain")
    fig.update_layout(
        legend={"title": {"text": text.legend_title}, "x": 1.0, "xanchor": "right", "y": 1.0,
                "bgcolor": "rgba(255,255,255,0.9)", "font": {"size": font_size}},
        plot_bgcolor=MAP_BACKGROUND, paper_bgcolor="#ffffff", margin={"l": 8, "r": 8, "t": 8, "b": 8},
        font={"family": FONT_FAMILY, "size": font_size, "color": INK}, hovermode="closest",
        barmode="overlay",
    )
    return fig


def map_layer(level: str, scope: str | None) -> geo.JoinResult:
    """The generalised boundaries under ``scope`` keyed by the election's codes (what the
    interactive map draws). Raises ``geo.BoundariesUnavailable`` without boundary files."""
    from data_access import regions

    wanted = regions.regions(level, scope).select(
        pl.col("region_code").alias("code"), pl.col("region_name").alias("name"),
        level=pl.lit(level))
    if level == "district" and scope is not None:
        villages = regions.regions("village", scope).select(
            pl.col("region_code").alias("code"), pl.col("region_name").alias("name"),
            level=pl.lit("village"))
        wanted = pl.concat([wanted, villages])
    return geo.election_layer(level, scope, wanted)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# PDF briefing pack
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PackPage:
    """One slide on paper: heading, its one message, a chart, key numbers, a note."""

    title: str
    message: str
    figure: go.Figure | None = None
    numbers: tuple[tuple[str, str], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Pack:
    """Everything the PDF shows, translated and formatted by the caller (the pack knows no
    language); ``notice`` is the synthetic-data notice, printed on every page when set."""

    title: str
    subtitle: str
    generated: str
    pages: tuple[PackPage, ...]
    sources_title: str
    sources: tuple[tuple[str, ...], ...]
    sources_header: tuple[str, ...]
    methodology: tuple[str, ...] = ()
    notice: str | None = None
    numbers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


_PACK_CSS = """
@page { size: A4 landscape; margin: 12mm 14mm 14mm 14mm; }
* { box-sizing: border-box; }
body { font-family: %(font)s; color: #111; margin: 0; }
section { page-break-after: always; break-after: page; height: 181mm; display: flex;
          flex-direction: column; }
section:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 26pt; color: #8B1E24; margin: 0 0 3mm 0; }
h2 { font-size: 20pt; color: #8B1E24; margin: 0 0 2mm 0; }
.message { font-size: 15pt; font-weight: 600; margin: 0 0 3mm 0; }
.sub { font-size: 12pt; color: #333; margin: 0 0 4mm 0; }
.body { flex: 1; display: flex; gap: 6mm; min-height: 0; }
.chart { flex: 3; min-height: 0; display: flex; align-items: center; justify-content: center; }
.chart img { max-width: 100%%; max-height: 128mm; }
.numbers { flex: 1; display: flex; flex-direction: column; gap: 4mm; justify-content: center; }
.numbers.wide { flex-direction: row; flex-wrap: wrap; justify-content: flex-start; }
.number { border-left: 2mm solid #0072B2; padding: 1mm 0 1mm 3mm; min-width: 55mm; }
.number .v { font-size: 24pt; font-weight: 700; }
.number .l { font-size: 11pt; color: #333; }
.note { font-size: 10pt; color: #333; margin-top: 2mm; }
.notice { border: 0.6mm solid #8B1E24; color: #8B1E24; font-weight: 700; font-size: 11pt;
          padding: 1.5mm 3mm; margin-top: 3mm; }
table { border-collapse: collapse; font-size: 10pt; width: 100%%; }
th, td { border-bottom: 0.3mm solid #999; text-align: left; padding: 1.2mm 2mm; }
th { background: #f3f1ee; }
ul { font-size: 11pt; }
"""


def _numbers_html(numbers: Sequence[tuple[str, str]], wide: bool = False) -> str:
    if not numbers:
        return ""
    items = "".join(f'<div class="number"><div class="v">{html.escape(v)}</div>'
                    f'<div class="l">{html.escape(label)}</div></div>' for label, v in numbers)
    return f'<div class="numbers{" wide" if wide else ""}">{items}</div>'


def pack_html(pack: Pack, images: Sequence[bytes | None]) -> str:
    """The pack as one self-contained HTML page (images inline as SVG data: no request)."""
    esc = html.escape
    notice = f'<div class="notice">{esc(pack.notice)}</div>' if pack.notice else ""
    parts = [f'<section><h1>{esc(pack.title)}</h1><div class="sub">{esc(pack.subtitle)}<br>'
             f'{esc(pack.generated)}</div><div class="body" style="align-items:center">'
             f'{_numbers_html(pack.numbers, wide=True)}</div>{notice}</section>']
    for page, image in zip(pack.pages, images, strict=True):
        chart = ""
        if image is not None:
            data = base64.b64encode(image).decode("ascii")
            chart = (f'<div class="chart"><img alt="{esc(page.title)}" '
                     f'src="data:image/svg+xml;base64,{data}"></div>')
        note = f'<div class="note">{esc(page.note)}</div>' if page.note else ""
        parts.append(f'<section><h2>{esc(page.title)}</h2><div class="message">'
                     f'{esc(page.message)}</div><div class="body">{chart}'
                     f'{_numbers_html(page.numbers, wide=not chart)}</div>{note}{notice}'
                     "</section>")
    header = "".join(f"<th>{esc(h)}</th>" for h in pack.sources_header)
    rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
                   for row in pack.sources)
    method = "".join(f"<li>{esc(line)}</li>" for line in pack.methodology)
    parts.append(f'<section><h2>{esc(pack.sources_title)}</h2><table><tr>{header}</tr>{rows}'
                 f'</table><ul>{method}</ul><div style="flex:1"></div>{notice}</section>')
    css = _PACK_CSS % {"font": FONT_FAMILY}
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{css}</style></head>'
            f'<body>{"".join(parts)}</body></html>')


def html_to_pdf(document: str) -> bytes:
    """Print HTML to PDF in Chromium with every network request refused (the pack is inline)."""
    from playwright.sync_api import sync_playwright

    browser_path = chromium_path()

    def run() -> bytes:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort()
                           if not route.request.url.startswith(("data:", "about:"))
                           else route.continue_())
                page.set_content(document, wait_until="load")
                return page.pdf(print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()

    try:
        return _in_worker(run)  # type: ignore[return-value]
    except ExportUnavailable:
        raise
    except Exception as exc:
        raise ExportUnavailable(f"the PDF could not be printed: {exc}") from exc


def pdf_pack(pack: Pack, images: Sequence[bytes] | None = None) -> bytes:
    """The briefing pack as PDF: a cover with the headline numbers, one page per slide, and
    the data sources. ``images`` are the figures' SVGs when the caller has them already."""
    figures = [page.figure for page in pack.pages if page.figure is not None]
    svgs = iter(images if images is not None else render_images(figures, "svg"))
    images = [next(svgs) if page.figure is not None else None for page in pack.pages]
    return html_to_pdf(pack_html(pack, images))
