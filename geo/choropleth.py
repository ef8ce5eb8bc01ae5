"""Choropleth maps for the dashboard: classes, colours, legend, tooltips and click-through codes.

Colours are ColorBrewer sequential palettes (YlGnBu by default, Blues as an alternative): safe for
the common colour-vision deficiencies and monotonic in lightness, so the order of classes still
reads on a greyscale print or a washed-out projector. Regions without a value are hatched grey,
which no class colour resembles even in greyscale; regions whose value the public mode suppressed
(a small count, see ``data_access.privacy``) are cross-hatched in a darker grey with their own
legend entry, so a hidden count never reads as zero or as missing data. Every feature carries its
region code in
``properties.code`` so a click can drill down (see :func:`clicked_region_code`).
UI words come from the caller (the dashboard's catalogue); numbers go through pantau.formatting.
"""

from __future__ import annotations

import html
import logging
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import polars as pl
from branca.element import Element, MacroElement
from folium.template import Template

from data_access.codes import InvalidRegionCode, normalize
from geo.offline import use_local_assets
from pantau.formatting import format_number, format_share
from pantau.settings import get_settings

log = logging.getLogger(__name__)

Scheme = Literal["quantiles", "natural_breaks"]
CODE_PROPERTY = "code"
PALETTES: dict[str, dict[int, list[str]]] = {
    "YlGnBu": {
        3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
        4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
        5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
        6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
        7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
    },
    "Blues": {
        3: ["#deebf7", "#9ecae1", "#3182bd"],
        4: ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
        5: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
        6: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
        7: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"],
    },
}
NO_DATA_FILL = "url(#pantau-no-data) #d9d9d9"  # SVG paint with a plain-grey fallback
SUPPRESSED_FILL = "url(#pantau-suppressed) #969696"
_HATCH_DEFS = (
    '<svg id="pantau-no-data-defs" width="0" height="0" style="position:absolute">'
    '<defs><pattern id="pantau-no-data" patternUnits="userSpaceOnUse" width="6" height="6" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f0f0f0"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="2"/></pattern>'
    '<pattern id="pantau-suppressed" patternUnits="userSpaceOnUse" width="6" height="6" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#bdbdbd"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#525252" stroke-width="1.5"/>'
    '<line x1="0" y1="0" x2="6" y2="0" stroke="#525252" stroke-width="1.5"/></pattern>'
    '</defs></svg>'
)
_BACKGROUND_CSS = "<style>.leaflet-container{background:#f4f4f1;}</style>"


@dataclass(frozen=True)
class MapLabels:
    """Words shown on the map, in the user's language, from the dashboard's message catalogue."""

    legend_title: str
    region: str
    value: str
    no_data: str
    extra: Mapping[str, str] = field(default_factory=dict)  # extra value column → tooltip label
    suppressed: str = "Suppressed"  # a value the public mode hid (small count)


@dataclass(frozen=True)
class Classes:
    """Class upper bounds (ascending), the minimum, and one colour per class."""

    lower: float
    bins: list[float]
    colors: list[str]


def palette(name: str, k: int) -> list[str]:
    """``k`` colours, light to dark; 1 and 2 classes use the ends of the 3-class palette."""
    ramps = PALETTES[name]
    if k < 1 or k > max(ramps):
        raise ValueError(f"{name} has 1 to {max(ramps)} classes, not {k}")
    return {1: [ramps[3][1]], 2: [ramps[3][0], ramps[3][2]]}.get(k) or ramps[k]


def classify(values: np.ndarray, scheme: Scheme = "quantiles", k: int = 5,
             palette_name: str = "YlGnBu") -> tuple[Classes, np.ndarray]:
    """Classes for the non-missing ``values`` and each value's class index.

    Quantiles suit skewed counts (equal numbers of regions per colour); natural breaks
    (Fisher-Jenks) suit rates with real clusters. Fewer distinct values than ``k`` give fewer
    classes rather than empty ones.
    """
    values = np.asarray(values, dtype=float)
    distinct = np.unique(values)
    if len(distinct) == 0:
        return Classes(math.nan, [], []), np.array([], dtype=int)
    k = min(k, len(distinct))
    if k == 1:
        return Classes(float(distinct[0]), [float(distinct[0])], palette(palette_name, 1)), \
            np.zeros(len(values), dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns when ties merge quantiles
        if scheme == "natural_breaks":
            classifier = mapclassify.FisherJenks(values, k=k)
        else:
            classifier = mapclassify.Quantiles(values, k=k)
    bins = [float(b) for b in classifier.bins]
    return Classes(float(values.min()), bins, palette(palette_name, len(bins))), \
        np.asarray(classifier.yb, dtype=int)


class _Legend(MacroElement):
    """A Leaflet control with the class swatches; also defines the no-data hatch pattern."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            if (!document.getElementById("pantau-no-data-defs")) {
                var holder = document.createElement("div");
                holder.innerHTML = {{ this.defs|tojson }};
                document.body.appendChild(holder.firstChild);
            }
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "pantau-legend");
                div.innerHTML = {{ this.body|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, title: str, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "Legend"
        self.defs = _HATCH_DEFS
        swatch = ('<svg width="16" height="12" style="vertical-align:middle;margin-right:6px">'
                  '<rect width="16" height="12" fill="{}" stroke="#8c8c8c" stroke-width="0.5"/>'
                  "</svg>")
        lines = [f"<div>{swatch.format(html.escape(color))}{html.escape(label)}</div>"
                 for color, label in rows]
        self.body = (
            '<div style="background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;'
            'font:12px/1.5 sans-serif;color:#1b1b1b;box-shadow:0 1px 4px rgba(0,0,0,0.3)">'
            f"<div style=\"font-weight:600;margin-bottom:2px\">{html.escape(title)}</div>"
            + "".join(lines) + "</div>"
        )


def _formatter(lang: str, decimals: int, as_share: bool):
    if as_share:
        return lambda v: format_share(v, lang, decimals)
    return lambda v: format_number(v, lang, decimals)


def _value_map(values: pl.DataFrame, columns: list[str]) -> dict[str, dict[str, Any]]:
    if values["region_code"].is_duplicated().any():
        raise ValueError("values has more than one row for some region_code")
    rows = {}
    for row in values.select(["region_code", *columns]).iter_rows(named=True):
        try:
            rows[normalize(row.pop("region_code"))] = row
        except InvalidRegionCode:
            log.warning("choropleth value with an invalid region code ignored: %r", row)
    return rows


def _extra_text(value: object, lang: str, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return html.escape(str(value))
    return format_number(value, lang, 0 if float(value).is_integer() else decimals)


def values_without_region(regions: gpd.GeoDataFrame, values: pl.DataFrame) -> list[str]:
    """Codes that have a value but no region on the map, so the page can say so."""
    drawn = set(regions["code"])
    missing = set()
    for value in values["region_code"]:
        try:
            code = normalize(value)
        except InvalidRegionCode:
            code = str(value)
        if code not in drawn:
            missing.add(code)
    return sorted(missing)


def build_map(
    regions: gpd.GeoDataFrame,
    values: pl.DataFrame,
    labels: MapLabels,
    *,
    lang: str = "id",
    scheme: Scheme = "quantiles",
    k: int = 5,
    decimals: int = 0,
    as_share: bool = False,
    palette_name: str = "YlGnBu",
    tiles: str | None = None,
    assets_url: str | None = None,
) -> folium.Map:
    """A folium map of ``regions`` (columns code, name, geometry) coloured by ``values``.

    ``values`` has ``region_code``, ``value`` and optionally columns named in ``labels.extra``
    (shown in the tooltip) and a boolean ``suppressed``. Regions without a value are drawn
    hatched and labelled ``labels.no_data``, or cross-hatched and labelled ``labels.suppressed``
    where ``suppressed`` is true; values whose code has no region are logged (see
    :func:`values_without_region`). ``tiles`` defaults to ``PANTAU_MAP_TILES``; unset, the map
    has no base layer and needs no network ("none" forces that). Point layers (village
    centroids) are drawn as circles.
    """
    extra = [c for c in labels.extra if c in values.columns]  # the labelled ones supplied
    flagged = ["suppressed"] if "suppressed" in values.columns else []
    by_code = _value_map(values, ["value", *extra, *flagged])
    if missing := values_without_region(regions, values):
        log.warning("%d values have no region on the map: %s", len(missing), missing[:10])
    raw = [by_code.get(code, {}).get("value") for code in regions["code"]]
    has_value = np.array([v is not None and not (isinstance(v, float) and math.isnan(v))
                          for v in raw])
    hidden = np.array([not present and bool(by_code.get(code, {}).get("suppressed"))
                       for code, present in zip(regions["code"], has_value, strict=True)],
                      dtype=bool)
    classes, class_of = classify(np.array([v for v, h in zip(raw, has_value, strict=True) if h],
                                          dtype=float), scheme, k, palette_name)
    fmt = _formatter(lang, decimals, as_share)
    fills = np.full(len(raw), NO_DATA_FILL, dtype=object)
    fills[has_value] = [classes.colors[i] for i in class_of]
    fills[hidden] = SUPPRESSED_FILL
    features, style_of = [], {}
    for (code, name, geom), value, present, secret, fill in zip(
            regions[["code", "name", "geometry"]].itertuples(index=False), raw, has_value, hidden,
            fills, strict=True):
        if geom is None or geom.is_empty:
            continue  # nothing to draw; the join/repair reports already list such regions
        style_of[code] = {"fillColor": fill, "color": "#ffffff" if present else "#8c8c8c",
                          "weight": 0.6, "fillOpacity": 0.9 if present else 1.0}
        label = fmt(value) if present else labels.suppressed if secret else labels.no_data
        props = {CODE_PROPERTY: code, "name": html.escape(str(name)),
                 "value_label": label if present else html.escape(label)}
        props.update({c: _extra_text(by_code.get(code, {}).get(c), lang, decimals)
                      for c in extra})
        features.append({"type": "Feature", "id": code, "properties": props,
                         "geometry": geom.__geo_interface__})
    tiles = tiles or get_settings().map_tiles
    tiles = None if tiles is None or tiles.lower() == "none" else tiles
    m = folium.Map(location=None, tiles=None, zoom_snap=0.25, prefer_canvas=False,
                   attribution_control=tiles is not None)
    if tiles:  # an operator's choice (PANTAU_MAP_TILES); the default map needs no tile server
        folium.TileLayer(tiles, attr=get_settings().map_tiles_attribution).add_to(m)
    m.get_root().header.add_child(Element(_BACKGROUND_CSS))
    lows = [classes.lower, *classes.bins[:-1]] if classes.bins else []
    rows = [(color, f"{fmt(lo)} – {fmt(hi)}")
            for color, lo, hi in zip(classes.colors, lows, classes.bins, strict=True)]
    if hidden.any():
        rows.append((SUPPRESSED_FILL, f"{labels.suppressed} ({int(hidden.sum())})"))
    rows.append((NO_DATA_FILL, f"{labels.no_data} ({int((~has_value & ~hidden).sum())})"))
    _Legend(labels.legend_title, rows).add_to(m)
    if features:
        is_points = regions.geom_type.eq("Point").all()
        aliases = [labels.region, labels.value, *[labels.extra[c] for c in extra]]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=lambda feature: style_of[feature["id"]],
            highlight_function=lambda _: {"weight": 2.5, "color": "#1b1b1b"},
            tooltip=folium.GeoJsonTooltip(fields=["name", "value_label", *extra],
                                          aliases=[html.escape(a) for a in aliases], sticky=True),
            marker=folium.CircleMarker(radius=5) if is_points else None,
            smooth_factor=0.5,
        ).add_to(m)
        minx, miny, maxx, maxy = regions.total_bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    use_local_assets(m, assets_url)
    return m


def clicked_region_code(st_folium_result: Mapping[str, Any] | None,
                        property_name: str = CODE_PROPERTY) -> str | None:
    """The code of the region the user last clicked, from ``st_folium``'s return value.

    Call ``st_folium(m, key=..., returned_objects=["last_active_drawing"])``: on a click its
    component sets ``last_active_drawing`` to the clicked layer's ``toGeoJSON()``, a Feature whose
    properties are the ones built here. (``last_object_clicked`` is only a lat/lng, and
    ``last_object_clicked_tooltip`` is display text.) The value stays the same on later reruns,
    so compare with the previously handled code before drilling down again.
    """
    if not st_folium_result:
        return None
    feature = st_folium_result.get("last_active_drawing") or {}
    properties = feature.get("properties") if isinstance(feature, Mapping) else None
    code = properties.get(property_name) if isinstance(properties, Mapping) else None
    if not code:
        return None
    try:
        return normalize(code)
    except InvalidRegionCode:
        return None
