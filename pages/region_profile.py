"""Profil Wilayah — one region's numbers in all three domains, its children in a sortable table,
and where it stands among its siblings."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, shell
from dashboard.components import METRIC_LABELS, download_buttons, format_metric
from data_access import codes
from data_access.overview import OverviewFilter
from pantau.formatting import format_number, format_share

ctx = shell.context()
state, tr = ctx.state, ctx.tr
lang = state.lang

st.title(tr("Region profile"))
shell.breadcrumb(state)

filters = OverviewFilter(state.election, state.stage, state.date_from, state.date_to)
scope = state.scope
name = "Indonesia" if scope is None else data.lookup(scope)["name"].title()
st.header(name)

head = data.headline(scope, filters)
cases_shown = tr("suppressed") if head["cases_suppressed"] else format_number(head["cases"], lang)
stages = data.stage_totals(scope)
dpt = stages.filter(pl.col("stage") == "DPT")["voters_total"][0]

v, c, a = st.columns(3)
with v:
    st.subheader(tr("Violations"))
    st.metric(tr("Violation cases"), cases_shown)
    st.caption(tr("{registered} registered, {violations} found to be violations",
                  registered=format_number(head["registered"], lang),
                  violations=format_number(head["violations"], lang)))
with c:
    st.subheader(tr("Reporting compliance"))
    st.metric(tr("Reports filed"), (tr("suppressed") if head["reports_suppressed"]
                    else format_share(head["compliance_rate"], lang)))
    st.caption(tr("{filed} of {expected} reports filed", filed=format_number(head["filed"], lang),
                  expected=format_number(head["expected"], lang)))
    st.caption(tr("{n} TPS without a PTPS", n=format_number(head["tps_without_ptps"], lang)))
with a:
    st.subheader(tr("Voter list"))
    st.metric(tr("Voters (DPT)"), format_number(dpt, lang))
    st.caption(tr("{n} anomaly flags", n=(tr("suppressed") if head["anomalies_suppressed"]
                    else format_number(head["anomaly_flags"], lang))))

COLUMNS = ("voters", "cases", "rate_per_100k", "compliance_rate", "anomaly_flags",
           "tps_without_ptps_share")

if scope is None or codes.level_of(scope) != "village":
    level = codes.child_level(None if scope is None else codes.level_of(scope))
    st.subheader(tr("Regions within {name}", name=name))
    children = data.region_metrics(level, scope, filters)
    table = children.select(
        pl.col("region_code").alias(tr("Code")),
        pl.col("region_name").str.to_titlecase().alias(tr("Region")),
        *[pl.col(c).alias(tr(METRIC_LABELS[c])) for c in COLUMNS],
        pl.col("expected").alias(tr("Reports expected")),
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, f"pantau-profil-{scope or 'indonesia'}", tr, key="profile_children")

if scope is not None:
    parent = codes.parent_of(scope)
    siblings = data.region_metrics(codes.level_of(scope), parent, filters)
    st.subheader(tr("Position among {n} neighbouring regions", n=siblings.height))
    rows = []
    for column in COLUMNS:
        ranked = siblings.filter(pl.col(column).is_not_null()).sort(column, descending=True)
        mine = siblings.filter(pl.col("region_code") == scope)[column][0]
        position = ranked["region_code"].to_list().index(scope) + 1 if mine is not None else None
        rows.append({
            tr("Measure"): tr(METRIC_LABELS[column]),
            tr("This region"): format_metric(column, mine, lang),
            tr("Median of neighbours"): format_metric(column, siblings[column].median(), lang),
            tr("Rank (1 = highest)"): "–" if position is None
            else f"{position} / {ranked.height}",
        })
    st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch")
