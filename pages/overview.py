"""Ringkasan — national overview: headline numbers, a map of one metric one level below the
scope, best and worst regions, and what changed in the last seven days."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, map_view, shell
from dashboard.components import METRIC_LABELS, format_metric, labelled, ranked
from dashboard.filters import METRICS
from data_access import codes
from data_access.overview import OverviewFilter
from pantau.formatting import format_date, format_number, format_share

ctx = shell.context()
state, tr = ctx.state, ctx.tr
lang = state.lang

st.title(tr("Overview"))
shell.breadcrumb(state)

filters = OverviewFilter(state.election, state.stage, state.date_from, state.date_to)
head = data.headline(state.scope, filters)
cases_shown = tr("suppressed") if head["cases_suppressed"] else format_number(head["cases"], lang)

c1, c2, c3, c4 = st.columns(4)
c1.metric(tr("Violation cases"), cases_shown,
          help=tr("{n} found to be violations", n=format_number(head["violations"], lang)))
c2.metric(tr("Reporting compliance"), (tr("suppressed") if head["reports_suppressed"]
                    else format_share(head["compliance_rate"], lang)))
c2.caption(tr("{filed} of {expected} reports filed", filed=format_number(head["filed"], lang),
              expected=format_number(head["expected"], lang)))
c3.metric(tr("Voter-list anomalies"), (tr("suppressed") if head["anomalies_suppressed"]
                    else format_number(head["anomaly_flags"], lang)))
c4.metric(tr("TPS with a supervisor"), format_share(head["coverage"], lang),
          help=tr("{n} TPS without a PTPS", n=format_number(head["tps_without_ptps"], lang)))

level = codes.child_level(None if state.scope is None else codes.level_of(state.scope))
metrics = data.region_metrics(level, state.scope, filters)

left, right = st.columns([3, 2])
with left:
    metric = shell.metric_picker(state, METRICS, METRIC_LABELS)
    clicked = map_view.choropleth(metrics, level, state.scope, metric, lang, key="overview_map")
    if clicked and clicked != state.scope and level != "village":
        shell.go_to(state, clicked)
with right:
    best, worst = ranked(metrics, metric)
    for title, frame in ((tr("Best regions"), best), (tr("Worst regions"), worst)):
        st.subheader(title)
        st.dataframe(
            frame.select(pl.col("region_name").str.to_titlecase().alias(tr("Region")),
                         labelled(frame, metric, lambda v: format_metric(metric, v, lang))
                         .alias(tr(METRIC_LABELS[metric]))),
            hide_index=True, width="stretch",
        )

st.subheader(tr("Last 7 days"))
change = data.last_days_change(state.scope, filters)
if change.get("end") is None:
    st.caption(tr("No dated records for this selection."))
else:
    st.caption(tr("{start} to {end}, against the 7 days before",
                  start=format_date(change["start"], lang), end=format_date(change["end"], lang)))
    d1, d2 = st.columns(2)
    d1.metric(tr("Cases received"), format_number(change["cases"], lang),
              delta=int(change["cases"] - change["cases_before"]), delta_color="inverse")
    d2.metric(tr("Reports due / filed"),
              f'{format_number(change["reports_filed"], lang)} / '
              f'{format_number(change["reports_due"], lang)}',
              delta=int(change["reports_filed"] - change["reports_filed_before"]))
