"""The choropleth on a page: the boundary layer for the level under the scope, coloured by one
metric, with click-to-drill. Without boundary files the page still works and explains how to add
them; regions without a polygon are named, never silently left out. Regions whose value the
public mode suppressed (``data_access.privacy``) are drawn as suppressed, not as zero or as
missing data."""

from __future__ import annotations

import polars as pl
import streamlit as st
from streamlit_folium import st_folium

import geo
from dashboard.components import METRIC_LABELS, SHARE_METRICS
from dashboard.i18n import t
from data_access import regions
from data_access.engine import store_version
from pantau.settings import get_settings

# Natural breaks suit skewed counts (a few regions with many cases); quantiles suit rates.
SCHEMES = {"cases": "natural_breaks", "anomaly_flags": "natural_breaks", "voters": "quantiles",
           "rate_per_100k": "quantiles", "compliance_rate": "quantiles",
           "tps_without_ptps_share": "natural_breaks"}


@st.cache_resource(show_spinner=False, max_entries=64)
def _layer(level: str, scope: str | None, version: str, geo_dir: str) -> geo.JoinResult:
    """The generalised layer keyed by the election's codes (geometry cached once per process)."""
    wanted = regions.regions(level, scope).select(
        pl.col("region_code").alias("code"), pl.col("region_name").alias("name"),
        level=pl.lit(level))
    if level == "district" and scope is not None:
        villages = regions.regions("village", scope).select(
            pl.col("region_code").alias("code"), pl.col("region_name").alias("name"),
            level=pl.lit("village"))
        wanted = pl.concat([wanted, villages])
    return geo.election_layer(level, scope, wanted)


def choropleth(metrics: pl.DataFrame, level: str, scope: str | None, metric: str, lang: str,
               key: str, *, label: str | None = None, as_share: bool | None = None,
               scheme: str | None = None, decimals: int | None = None) -> str | None:
    """Draw the map; return the code of a newly clicked region (None otherwise).

    The legend label, number format and class scheme default to the shared metric tables
    (components.METRIC_LABELS, SCHEMES); a page with a metric of its own passes them in
    (``label`` is a message id, translated here). A region is drawn as suppressed where its
    value is null and its flag is true: the ``<metric>_suppressed`` column if ``metrics`` has
    one, else ``suppressed``."""
    tr = lambda m, **kw: t(m, lang, **kw)  # noqa: E731
    try:
        joined = _layer(level, scope, store_version(), str(get_settings().geo_dir))
    except geo.BoundariesUnavailable as exc:
        st.info(tr("No boundary files were found, so the map cannot be drawn; the tables below "
                   "still work. Put provinces, regencies and districts files (any format GDAL "
                   "reads) in the folder named by PANTAU_GEO_DIR.") + f"\n\n{exc}")
        return None
    flag = next((c for c in (f"{metric}_suppressed", "suppressed") if c in metrics.columns), None)
    values = metrics.select("region_code", pl.col(metric).cast(pl.Float64).alias("value"),
                            *([pl.col(flag).fill_null(False).alias("suppressed")] if flag else []))
    title = tr(label or METRIC_LABELS[metric])
    labels = geo.MapLabels(legend_title=title, region=tr("Region"), value=title,
                           no_data=tr("No data"), suppressed=tr("Suppressed"))
    fmap = geo.build_map(
        joined.frame, values, labels, lang=lang, scheme=scheme or SCHEMES.get(metric, "quantiles"),
        decimals=decimals if decimals is not None else (1 if metric == "rate_per_100k" else 0),
        as_share=as_share if as_share is not None else metric in SHARE_METRICS)
    result = st_folium(fmap, key=f"{key}_{level}_{scope}", height=520, use_container_width=True,
                       returned_objects=["last_active_drawing"])
    missing = joined.report.election_without_boundary
    if missing:
        st.caption(tr("{n} regions have no boundary polygon and are not drawn: {codes}",
                      n=len(missing), codes=", ".join(f"{name} ({code})"
                                                      for code, name in missing[:20])))
    clicked = geo.clicked_region_code(result)
    seen_key = f"_clicked_{key}_{level}_{scope}"
    if clicked is None or st.session_state.get(seen_key) == clicked:
        return None
    st.session_state[seen_key] = clicked
    return clicked
