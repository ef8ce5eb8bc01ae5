"""Pelanggaran — where violations are reported, of what kind, and whether Bawaslu handles them in
time (Perbawaslu 7/2022): a map, breakdowns, the handling flow, the weekly series with the
election's milestones, lead time against the 7 + 7-day deadline and a per-region table that
drills down and downloads exactly as filtered.

Every number is an aggregate from ``data_access.violations`` (through the cached wrappers in
``dashboard.data``); the list of overdue cases is case-level and appears in the internal mode
only (``data_access.cases``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import auth, data, map_view, page_params, shell
from dashboard.components import (
    METRIC_LABELS,
    detail_downloads,
    download_buttons,
    suppression_note,
    with_suppressed,
)
from data_access import codes
from data_access.domain import CASE_SOURCES, DECISION_DAYS, EXTENSION_DAYS, MILESTONES
from data_access.privacy import ScopeSuppressed
from data_access.violations import CaseFilter, flow_links, funnel_steps
from pantau.formatting import format_date, format_number, format_share

PAGE = "pelanggaran"  # the url_path; its parameters are declared in dashboard.page_params
MAP_METRICS = ("cases", "rate_per_100k")
# Okabe–Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")

SOURCE_LABELS = {"laporan": "Public report", "temuan": "Finding"}
CATEGORY_LABELS = {"administrative": "Administrative", "criminal": "Election crime",
                   "ethics": "Code of ethics", "other_law": "Other law",
                   "tsm": "TSM administrative", "uncategorised": "Not categorised"}
SUBCATEGORY_LABELS = {"asn_neutrality": "Civil-servant (ASN) neutrality",
                      "village_official_neutrality": "Village-official neutrality",
                      "tni_polri_neutrality": "TNI/Polri neutrality", "other": "Other",
                      "none": "No subcategory"}
STATUS_LABELS = {"pending": "Not yet registered", "not_registered": "Not registered",
                 "in_process": "In process", "not_violation": "Not a violation",
                 "violation": "Violation", "received": "Received", "registered": "Registered",
                 "not_forwarded": "Not forwarded", "Bawaslu": "Bawaslu (TSM adjudication)"}
PARTY_LABELS = {"candidate": "Candidate", "political_party": "Political party",
                "election_official": "Election official", "civil_servant": "Civil servant (ASN)",
                "village_official": "Village official", "security_forces": "TNI/Polri",
                "other": "Other", "unknown": "Not recorded"}
MILESTONE_LABELS = {"campaign": "Campaign starts", "quiet_period": "Quiet period",
                    "voting": "Voting day", "recapitulation": "Recapitulation"}
BUCKET_LABELS = {"within_7": "Decided within 7 days", "within_14": "Decided in the extension",
                 "late": "Decided late", "overdue_open": "Open past the deadline"}
# The bodies that handle a case above a table's level; their names are not translated.
HANDLERS = {"province": "Bawaslu Provinsi", "regency": "Bawaslu Kabupaten/Kota",
            "district": "Panwaslu Kecamatan"}

ctx = shell.context()
state, tr = ctx.state, ctx.tr
lang = state.lang

st.title(tr("Violations"))
shell.breadcrumb(state)

values, notices = page_params.current(PAGE)
shell.show_notices(state, notices)
metric = state.metric if state.metric in MAP_METRICS else "cases"


def _metric_changed() -> None:
    """The map metric is the shared ``metric`` parameter, so a link keeps it across pages."""
    picked = st.session_state.get("v_metric") or "cases"
    now, _ = shell.current_state()
    new = replace(now, metric=picked)
    shell.set_state(new)
    st.session_state["_pantau_state"] = new


f1, f2, f3, f4 = st.columns([2, 2, 2, 3])
with f1:
    page_params.select(PAGE, "category", values["category"], tr("Category"),
                       lambda v: tr("All categories") if v == "all" else tr(CATEGORY_LABELS[v]))
with f2:
    page_params.select(PAGE, "source", values["source"], tr("Source"),
                       lambda v: tr("All sources") if v == "all" else tr(SOURCE_LABELS[v]))
with f3:
    page_params.select(PAGE, "status", values["status"], tr("Status"),
                       lambda v: tr("All statuses") if v == "all" else tr(STATUS_LABELS[v]))
with f4:
    if st.session_state.get("_url_v_metric") != metric or "v_metric" not in st.session_state:
        st.session_state["v_metric"] = metric
        st.session_state["_url_v_metric"] = metric
    st.segmented_control(tr("Map metric"), MAP_METRICS, key="v_metric", required=True,
                         format_func=lambda m: tr(METRIC_LABELS[m]), on_change=_metric_changed)

filters = CaseFilter(election=state.election, stage=state.stage, received_from=state.date_from,
                     received_until=state.date_to, category=values["category"],
                     source=values["source"], status=values["status"])
scope = state.scope
level = codes.child_level(None if scope is None else codes.level_of(scope))
cut_off = data.latest_received(state.election)
try:
    buckets = dict(data.lead_time_buckets(scope, filters, cut_off).iter_rows())
except ScopeSuppressed:  # public mode: this area's cases are hidden among its siblings
    st.info(tr("Figures for this area are suppressed in the public dashboard: too few cases "
               "to show without pointing at people. See the level above."))
    st.stop()
table = data.violations_table(level, scope, filters, cut_off)
flows = data.handling_flows(scope, filters)
steps = funnel_steps(flows)

if values["category"] is not None:
    st.caption(tr("A category is set only when a case is found to be a violation, so this view "
                  "shows violations of the chosen category."))

# Headline: the same numbers as the table's total (every case in the scope, whatever body handles
# it); see the table's "handled by" rows.
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(tr("Cases"), format_number(steps["received"], lang))
m2.metric(tr("Registered"), format_number(steps["registered"], lang))
m3.metric(tr("Found to be violations"), format_number(steps["violations"], lang))
m4.metric(tr("Forwarded"), format_number(steps["forwarded"], lang))
overdue = buckets.get("late", 0) + buckets.get("overdue_open", 0)
m5.metric(tr("Past the 7 + 7-day deadline"), format_number(overdue, lang))
if cut_off is not None:
    st.caption(tr("Cases received up to {date}.", date=format_date(cut_off, lang)))


def _bar(frame: pl.DataFrame, labels: dict[str, str], key: str, color: str | None = None,
         stack: dict[str, str] | None = None) -> None:
    """A horizontal bar chart of ``cases`` by ``value`` (optionally stacked by ``part``)."""
    if frame.is_empty() or frame["cases"].sum() == 0:
        st.caption(tr("No cases for this selection."))
        return
    fig = go.Figure()
    parts = frame["part"].unique(maintain_order=True).to_list() if stack else [None]
    for i, part in enumerate(parts):
        rows = frame if part is None else frame.filter(pl.col("part") == part)
        fig.add_bar(
            y=[tr(labels[v]) for v in rows["value"]], x=rows["cases"].to_list(), orientation="h",
            name=tr(stack[part]) if stack else "", marker_color=color or PALETTE[i % len(PALETTE)],
            showlegend=bool(stack) and part != "none",
            hovertemplate="%{y}: %{x}<extra></extra>" if part is None else None,
        )
    order = [tr(labels[v]) for v in frame.group_by("value", maintain_order=True)
             .agg(pl.col("cases").sum()).sort("cases")["value"]]
    fig.update_layout(barmode="stack", height=60 + 34 * len(order), showlegend=bool(stack),
                      margin={"l": 0, "r": 10, "t": 10, "b": 0},
                      yaxis={"categoryorder": "array", "categoryarray": order},
                      legend={"orientation": "h", "y": -0.25},
                      separators=",." if lang == "id" else ".,")
    st.plotly_chart(fig, width="stretch", key=key)


left, right = st.columns([3, 2])
with left:
    st.subheader(tr(METRIC_LABELS[metric]))
    regions = table.filter(pl.col("handled_at").is_null())
    clicked = map_view.choropleth(regions, level, scope, metric, lang, key="violations_map")
    if clicked and clicked != scope and level != "village":
        shell.go_to(state, clicked)
with right:
    st.subheader(tr("By source"))
    source = data.violations_breakdown("source", scope, filters)
    _bar(source, SOURCE_LABELS, "v_source", color=PALETTE[0])
    st.subheader(tr("By category"))
    st.caption(tr("Cases found to be violations; 'other law' includes civil-servant (ASN) "
                  "neutrality."))
    kinds = data.violations_crosstab("category", "subcategory", scope,
                                      replace(filters, finding="violation"))
    kinds = kinds.select(pl.col("category").fill_null("uncategorised").alias("value"),
                         pl.col("subcategory").fill_null("none").alias("part"), "cases")
    _bar(kinds, CATEGORY_LABELS, "v_category", stack=SUBCATEGORY_LABELS)

b1, b2 = st.columns(2)
with b1:
    st.subheader(tr("By status"))
    status = data.violations_breakdown("status", scope, filters)
    _bar(status, STATUS_LABELS, "v_status", color=PALETTE[2])
with b2:
    st.subheader(tr("By reported party"))
    party = data.violations_breakdown("reported_party", scope, filters).with_columns(
        pl.col("value").fill_null("unknown"))
    _bar(party, PARTY_LABELS, "v_party", color=PALETTE[3])

st.subheader(tr("Handling: received → registered → violation → forwarded"))
links = flow_links(flows)
if links.is_empty():
    st.caption(tr("No cases for this selection."))
else:
    nodes = list(dict.fromkeys([*links["source"], *links["target"]]))
    index = {name: i for i, name in enumerate(nodes)}
    names = [tr(STATUS_LABELS[n]) if n in STATUS_LABELS else n for n in nodes]
    sankey = go.Figure(go.Sankey(
        node={"label": names, "pad": 18, "color": [PALETTE[i % len(PALETTE)]
                                                   for i in range(len(nodes))]},
        link={"source": [index[s] for s in links["source"]],
              "target": [index[t] for t in links["target"]], "value": links["cases"].to_list()},
        valueformat=",d"))
    sankey.update_layout(height=380, margin={"l": 0, "r": 0, "t": 10, "b": 10},
                         separators=",." if lang == "id" else ".,")
    st.plotly_chart(sankey, width="stretch", key="v_sankey")
    shares = [(tr("Registered"), "registered", "received"),
              (tr("Found to be violations"), "violations", "registered"),
              (tr("Forwarded"), "forwarded", "violations")]
    st.caption(" · ".join(
        tr("{step}: {share} of the step before", step=label,
           share=format_share(steps[k] / steps[b] if steps[b] else None, lang))
        for label, k, b in shares))

st.subheader(tr("Cases received per week"))
weekly = data.weekly_cases(scope, filters)
if weekly.is_empty():
    st.caption(tr("No cases for this selection."))
else:
    fig = go.Figure()
    for i, src in enumerate(CASE_SOURCES):
        rows = weekly.filter(pl.col("source") == src)
        fig.add_bar(x=rows["week"].to_list(), y=rows["cases"].to_list(),
                    name=tr(SOURCE_LABELS[src]), marker_color=PALETTE[i],
                    xperiod=7 * 24 * 3600 * 1000, xperiodalignment="middle")  # Monday to Sunday
    first, last = weekly["week"].min(), weekly["week"].max() + timedelta(days=6)
    marks = [(key, day) for key, day in MILESTONES[state.election] if first <= day <= last]
    # Quiet period, voting day and recapitulation fall within days of each other: one label per
    # line above the plot, each at its own height, so none hides another.
    for i, (key, day) in enumerate(marks):
        fig.add_shape(type="line", x0=day, x1=day, y0=0, y1=1 + 0.07 * i, yref="paper",
                      line={"color": "#555555", "dash": "dot", "width": 1})
        fig.add_annotation(x=day, y=1 + 0.07 * i, yref="paper", text=tr(MILESTONE_LABELS[key]),
                           showarrow=False, xanchor="right", yanchor="middle", xshift=-3,
                           font={"size": 11}, bgcolor="rgba(255,255,255,0.8)")
    top = 20 + 26 * len(marks)
    fig.update_layout(barmode="stack", height=340 + top, margin={"l": 0, "r": 10, "t": top, "b": 0},
                      legend={"orientation": "h", "y": -0.15}, xaxis_title=tr("Week"),
                      yaxis_title=tr("Cases"), separators=",." if lang == "id" else ".,")
    st.plotly_chart(fig, width="stretch", key="v_weekly")

st.subheader(tr("Time to a decision"))
st.caption(tr("A finding is due 7 days after registration, plus one 7-day extension "
              "(Perbawaslu 7/2022). Open cases are counted on {date}.",
              date=format_date(cut_off, lang)))
decided = sum(buckets.get(k, 0) for k in ("within_7", "within_14", "late"))
cols = st.columns(4)
for col, key in zip(cols, BUCKET_LABELS, strict=True):
    n = buckets.get(key, 0)
    col.metric(tr(BUCKET_LABELS[key]), format_number(n, lang),
               help=None if key == "overdue_open" or not decided else
               tr("{share} of decided cases", share=format_share(n / decided, lang)))
days = data.decision_lead_times(scope, filters, "registration")
if not days.is_empty():
    colours = [PALETTE[2] if d <= DECISION_DAYS else PALETTE[1]
               if d <= DECISION_DAYS + EXTENSION_DAYS else PALETTE[5] for d in days["days"]]
    fig = go.Figure(go.Bar(x=days["days"].to_list(), y=days["cases"].to_list(),
                           marker_color=colours, hovertemplate="%{x}: %{y}<extra></extra>"))
    for limit in (DECISION_DAYS, DECISION_DAYS + EXTENSION_DAYS):
        fig.add_vline(x=limit + 0.5, line_dash="dash", line_color="#555555")
    fig.update_layout(height=300, margin={"l": 0, "r": 10, "t": 10, "b": 0}, showlegend=False,
                      xaxis_title=tr("Days from registration to the finding"),
                      yaxis_title=tr("Cases"), separators=",." if lang == "id" else ".,")
    st.plotly_chart(fig, width="stretch", key="v_leadtime")
    receipt = data.decision_lead_times(scope, filters, "receipt")
    half = receipt["cases"].sum() / 2
    median = receipt.filter(receipt["cases"].cum_sum() >= half)["days"][0]
    st.caption(tr("Half of the decided cases were decided within {n} days of receipt.",
                  n=format_number(median, lang)))

st.subheader(tr("Overdue cases"))
reader = auth.detail_reader(tr, tr("The list of overdue cases is shown in the internal mode "
                                   "only; the public dashboard shows counts."))
if reader is not None:  # data_access refuses anyone else, whatever this page does
    late = data.overdue_cases(scope, filters, cut_off, actor=reader)
    st.dataframe(late, hide_index=True, width="stretch")
    detail_downloads(late, f"pantau-kasus-lewat-batas-{scope or 'indonesia'}", tr,
                     key="v_overdue", actor=reader, what="overdue cases", scope=scope)

st.subheader(tr("Regions"))
# Public mode: data_access nulls the counts of suppressed kecamatan/desa; they say so here.
counted = {"cases": tr("Cases"), "registered": tr("Registered"),
           "violations": tr("Found to be violations"), "forwarded": tr("Forwarded"),
           "overdue": tr("Past the 7 + 7-day deadline")}
shown = with_suppressed(table.select(
    pl.col("region_code").alias(tr("Code")),
    pl.when(pl.col("handled_at").is_null()).then(pl.col("region_name").str.to_titlecase())
    .otherwise(pl.col("handled_at").replace_strict(
        {lv: tr("Handled by {body}", body=body) for lv, body in HANDLERS.items()},
        default=None)).alias(tr("Region")),
    *[pl.col(c).alias(label) for c, label in counted.items()],
    pl.col("voters").alias(tr("Voters (DPT)")),
    pl.col("rate_per_100k").round(1).alias(tr("Cases per 100,000 voters")),
    "suppressed",
), [*counted.values(), tr("Cases per 100,000 voters")], tr)
if table["handled_at"].is_not_null().any():
    st.caption(tr("Cases handled by a body above this level have no region at this level: they "
                  "are in the 'handled by' rows, so the table adds up to the totals above."))
suppression_note(table, tr)
if level != "village":
    st.caption(tr("Select a row to open that region."))
picked = st.dataframe(shown, hide_index=True, width="stretch", key=f"v_table_{scope}",
                      on_select="rerun", selection_mode="single-row")
rows = picked.selection.rows if picked is not None else []
if rows and level != "village":
    row = table.row(rows[0], named=True)
    if row["handled_at"] is None and row["region_code"] != scope:
        shell.go_to(state, row["region_code"])
# The file name says what was filtered: scope, election, stage, dates and the page's filters.
shared = {k: v for k, v in state.to_params().items() if k in ("scope", "election", "stage", "from",
                                                               "to")}
suffix = "-".join([*shared.values(), *page_params.to_params(values).values()])
download_buttons(shown, f"pantau-pelanggaran-{suffix or 'indonesia'}", tr, key="v_table")
