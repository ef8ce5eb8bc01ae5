"""Anomali Daftar Pemilih — voter-list anomalies in the scope: a map of flagged regions (flags, or
the share of voters flagged), the DP4 → DPS → DPSHP → DPT waterfall, the flags per rule, and the
region-level flags with their explanations. Record-level rows only in internal mode; publicly
they are counted, never listed (UU 27/2022)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import auth, data, map_view, shell
from dashboard.components import (
    RULE_LABELS,
    detail_downloads,
    download_buttons,
    labelled,
    suppression_note,
    with_suppressed,
)
from data_access import codes
from data_access.anomalies import SEVERITIES
from pantau.formatting import format_date, format_number, format_share

ctx = shell.context()
state, tr = ctx.state, ctx.tr
lang = state.lang

SEVERITY_LABELS = {"high": "High", "medium": "Medium", "low": "Low"}
SUBJECT_LABELS = {"record": "Voter record", "family_card": "Family card (KK)",
                  "address": "Address", "polling_station": "TPS"}
READ_OUT = 5  # region-level reasons written out in full above their table
ANOMALY_MAP_LABELS = {"anomaly_flags": "Anomaly flags",
                      "flagged_share": "Share of voters flagged"}


def rule_label(rule: str) -> str:
    return tr(RULE_LABELS[rule]) if rule in RULE_LABELS else rule


def subject_label(level: str) -> str:
    if level in shell.LEVEL_NAMES:
        return shell.LEVEL_NAMES[level]  # Provinsi, Kecamatan …: never translated
    return tr(SUBJECT_LABELS[level]) if level in SUBJECT_LABELS else level


def waterfall(stages: pl.DataFrame) -> go.Figure | None:
    """DP4 → DPS → DPSHP → DPT: each stage's change as a step, the DPT as the closing total."""
    present = stages.drop_nulls("voters_total")
    if present.height < 2:
        return None
    names, totals = present["stage"].to_list(), present["voters_total"].to_list()
    steps = [b - a for a, b in zip(totals, totals[1:], strict=False)]
    x = [names[0], *[f"{a} → {b}" for a, b in zip(names, names[1:], strict=False)], names[-1]]
    text = [format_number(totals[0], lang),
            *[("+" if s > 0 else "") + format_number(s, lang) for s in steps],
            format_number(totals[-1], lang)]
    figure = go.Figure(go.Waterfall(
        x=x, y=[totals[0], *steps, 0], measure=["absolute", *["relative"] * len(steps), "total"],
        text=text, textposition="outside", hoverinfo="x+text",
        increasing={"marker": {"color": "#c0392b"}}, decreasing={"marker": {"color": "#2471a3"}},
        totals={"marker": {"color": "#566573"}}, connector={"line": {"color": "#aab7b8"}},
    ))
    # The steps are a fraction of a percent of the list: start the axis near the smallest level
    # so they can be seen (the caption says so).
    low, high = min(totals), max(totals)
    pad = max((high - low) * 0.6, high * 0.002, 1)
    figure.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         yaxis={"range": [max(low - pad, 0), high + pad * 0.5]},
                         separators=",." if lang == "id" else ".,", showlegend=False)
    return figure


st.title(tr("Voter-list anomalies"))
shell.breadcrumb(state)
scope = state.scope
name = "Indonesia" if scope is None else data.lookup(scope)["name"].title()

# Small-cell suppression (public mode) is decided in data_access from the settings; the cached
# wrappers in dashboard.data keep results apart per mode.
by_rule_all = data.anomaly_rule_counts(scope)
rules_present = [r for r in RULE_LABELS if r in set(by_rule_all["rule_id"])]
rules_present += sorted(set(by_rule_all["rule_id"]) - set(rules_present))
f1, f2 = st.columns(2)
picked_rules = f1.multiselect(tr("Rules"), rules_present, key="anomaly_rules",
                              format_func=rule_label, placeholder=tr("All rules"))
picked_severities = f2.multiselect(tr("Severity"), SEVERITIES, key="anomaly_severities",
                                   format_func=lambda s: tr(SEVERITY_LABELS[s]),
                                   placeholder=tr("All severities"))
rules = tuple(picked_rules) or None
severities = tuple(picked_severities) or None

level = codes.child_level(None if scope is None else codes.level_of(scope))
metrics = data.anomaly_map_metrics(level, scope, rules=rules, severities=severities,
                                   election=state.election)
totals = data.anomaly_totals(scope, rules=rules, severities=severities, election=state.election)
stages = data.stage_totals(scope, state.election)
hidden = tr("suppressed")  # small-cell suppression (public mode), explained under the rule table


def count_or_hidden(value: int | None) -> str:
    return hidden if value is None else format_number(value, lang)


share = totals["flagged_share"]
m1, m2, m3, m4 = st.columns(4)
m1.metric(tr("Anomaly flags"), count_or_hidden(totals["anomaly_flags"]))
m2.metric(tr("Region-level flags"), format_number(totals["region_flags"], lang))
m3.metric(tr("Record-level flags"), count_or_hidden(totals["record_flags"]))
# a few flags in a national list are thousandths of a percent: keep a significant digit
m4.metric(tr("Share of voters flagged"),
          hidden if totals["suppressed"] else
          format_share(share, lang, 2 if share is None or share == 0 or share >= 1e-3 else 4),
          help=tr("{n} voters with at least one record-level flag, of {dpt} on the DPT",
                  n=count_or_hidden(totals["flagged_voters"]),
                  dpt=format_number(totals["voters"], lang)))
run = data.latest_anomaly_run()
if run is not None:
    st.caption(tr("Latest detection run: {date}, {n} voter records checked. Record-level checks "
                  "cover the voter extracts that run read.",
                  date=format_date(run["finished_at"] or run["started_at"], lang),
                  n=format_number(run["records_scanned"], lang)))

left, right = st.columns([3, 2])
with left:
    st.subheader(tr("Map"))
    metric = st.segmented_control(
        tr("Map metric"), tuple(ANOMALY_MAP_LABELS), key="anomaly_map_metric",
        default="anomaly_flags", format_func=lambda m: tr(ANOMALY_MAP_LABELS[m]))
    if metric == "flagged_share":
        clicked = map_view.choropleth(metrics, level, scope, "flagged_share", lang,
                                      key="anomaly_map", label=ANOMALY_MAP_LABELS["flagged_share"],
                                      as_share=True, scheme="natural_breaks", decimals=2)
    else:
        clicked = map_view.choropleth(metrics, level, scope, "anomaly_flags", lang,
                                      key="anomaly_map")
    if clicked and clicked != scope and level != "village":
        shell.go_to(state, clicked)
with right:
    st.subheader(tr("DP4 → DPS → DPSHP → DPT in {name}", name=name))
    figure = waterfall(stages)
    if figure is None:
        st.info(tr("No voter-list recap for this election and region."))
    else:
        st.plotly_chart(figure, key="anomaly_waterfall", config={"displayModeBar": False})
        st.caption(tr("The axis does not start at zero, so that the changes between stages "
                      "are visible."))

st.subheader(tr("Flags per rule"))
per_rule = data.anomaly_rule_counts(scope, rules=rules, severities=severities)
rule_table = with_suppressed(per_rule.select(
    labelled(per_rule, "rule_id", rule_label).alias(tr("Rule")),
    labelled(per_rule, "severity", lambda s: tr(SEVERITY_LABELS.get(s, s))).alias(tr("Severity")),
    labelled(per_rule, "subject_level", subject_label)
    .alias(tr("Flagged subject")),
    pl.col("flags").alias(tr("Flags")), "suppressed",
), [tr("Flags")], tr)
if rule_table.height:
    st.dataframe(rule_table, hide_index=True, width="stretch")
    download_buttons(rule_table, f"pantau-anomali-aturan-{scope or 'indonesia'}", tr,
                     key="anomaly_rules_dl")
else:
    st.info(tr("No anomaly flags for this selection."))
suppression_note(pl.concat([per_rule.select("suppressed"), metrics.select("suppressed"),
                            pl.DataFrame({"suppressed": [bool(totals["suppressed"])]})]), tr)

st.subheader(tr("Region-level flags and their reasons"))
flags = data.anomaly_region_flags(scope, rules=rules, severities=severities)
explanation = "explanation_id" if lang == "id" else "explanation_en"
region_table = flags.select(
    pl.col("region_name").fill_null("").str.to_titlecase().alias(tr("Region")),
    pl.col(explanation).alias(tr("Reason")),
    labelled(flags, "rule_id", rule_label).alias(tr("Rule")),
    labelled(flags, "severity", lambda s: tr(SEVERITY_LABELS.get(s, s))).alias(tr("Severity")),
    labelled(flags, "subject_level", subject_label)
    .alias(tr("Flagged subject")),
    pl.col("region_code").alias(tr("Code")),
)
if region_table.height:
    # The reasons are sentences: the most severe ones are written out in full above the table.
    for row in region_table.head(READ_OUT).iter_rows(named=True):
        st.markdown(f"- **{row[tr('Region')]}** ({row[tr('Code')]}): {row[tr('Reason')]}")
    st.dataframe(region_table, hide_index=True, width="stretch",
                 column_config={tr("Reason"): st.column_config.TextColumn(width="large")})
    download_buttons(region_table, f"pantau-anomali-wilayah-{scope or 'indonesia'}", tr,
                     key="anomaly_regions_dl")
else:
    st.info(tr("No region-level flags for this selection."))

st.subheader(tr("Record-level flags"))
reader = auth.detail_reader(tr, tr("Record-level flags point at single voters, so they are "
                                   "listed in internal mode only; this public view shows their "
                                   "counts per rule and region."))
if reader is not None:  # data_access refuses anyone else, whatever this page does
    records = data.anomaly_record_flags(scope, actor=reader, rules=rules, severities=severities,
                                        limit=2_000)
    st.caption(tr("Internal mode: record id, rule and reason; never a NIK or a name. At most "
                  "2,000 rows are shown; the command line exports all of them."))
    record_table = records.select(
        pl.col("region_code").alias(tr("Code")),
        pl.col("record_id").alias(tr("Record id")),
        labelled(records, "rule_id", rule_label).alias(tr("Rule")),
        labelled(records, "severity", lambda s: tr(SEVERITY_LABELS.get(s, s))).alias(tr("Severity")),
        pl.col(explanation).alias(tr("Reason")),
    )
    st.dataframe(record_table, hide_index=True, width="stretch")
    detail_downloads(record_table, f"pantau-anomali-rekaman-{scope or 'indonesia'}", tr,
                     key="anomaly_records_dl", actor=reader, what="record-level anomaly flags",
                     scope=scope)
