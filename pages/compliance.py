"""Kepatuhan Pelaporan — do supervisors file their supervision reports (LHP, Form A) on time?

Compliance is filed ÷ expected by the obligation schedule, always shown with its denominator, and
split into on time, late and missing: by supervisor level, by stage, on a map one level below the
scope, in a region × stage (or × due week) heat map that shows where and when reporting broke
down, as the least compliant regions with their trend and their gap to their siblings, and beside
the staffing gaps that explain much of it (TPS without a PTPS, desa without a PKD). The list of
missing reports is record-level and appears in the internal mode only
(``data_access.compliance_detail``). Every table downloads as CSV or XLSX exactly as shown.

In the public mode, desa cells are suppressed where a count or the supervisors behind it is small
(a desa is one PKD and a few PTPS, people known by name in their village): data_access decides
(``data_access.compliance``, ``data_access.privacy``); this page only says "suppressed".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import auth, data, map_view, page_params, shell
from dashboard.components import (
    detail_downloads,
    download_buttons,
    suppression_note,
    with_suppressed,
)
from dashboard.page_params import ALL
from data_access import codes
from data_access.compliance import ComplianceFilter
from data_access.domain import STAGE_KEYS, SUPERVISOR_BODIES
from pantau import formatting

PAGE = "kepatuhan-pelaporan"  # the url_path; its parameters are declared in dashboard.page_params
# Official names of the supervisory bodies: proper names, the same in every language.
BODY_NAMES = {"bawaslu_province": "Bawaslu Provinsi", "bawaslu_regency": "Bawaslu Kab/Kota",
              "panwascam": "Panwascam", "pkd": "PKD", "ptps": "PTPS"}
VIEW_LABELS = {ALL: "Region × stage", "week": "Region × week due"}
STATUS_LABELS = {"on_time": "On time", "late": "Late", "missing": "Missing"}
# Okabe–Ito blue and orange, and vermillion with a hatch, so the three parts stay apart with any
# colour-vision deficiency and in greyscale (dark, light, hatched).
STATUS_COLOURS = {"on_time": "#0072B2", "late": "#E69F00", "missing": "#D55E00"}
STATUS_PATTERNS = {"on_time": "", "late": "", "missing": "/"}
HEATMAP_ROWS = 40  # beyond this a heat map stops being readable; the worst regions are kept


@st.cache_resource(show_spinner=False)
def _formatters() -> tuple[Callable[..., str], ...]:
    """The heat map's labels format about a thousand numbers per run, the same ones on every
    rerun, and Babel takes ~50 µs each: memoised once per process (a page script's own globals
    are rebuilt on every run). The formatter itself stays the one in pantau.formatting."""
    return (cache(formatting.format_number), cache(formatting.format_share),
            cache(formatting.format_date))


format_number, format_share, format_date = _formatters()

ctx = shell.context()
state, tr = ctx.state, ctx.tr
lang = state.lang
scope = state.scope
level = codes.child_level(None if scope is None else codes.level_of(scope))
# Nationally the least compliant list ranks kab/kota: a Bawaslu Kab/Kota answers for the
# reporting of every Panwascam, PKD and PTPS under it, and 38 provinces hide the poor ones.
rank_level = "regency" if scope is None else level
separators = ",." if lang == "id" else ".,"

st.title(tr("Reporting compliance"))
shell.breadcrumb(state)

children = data.children(scope)
child_names = dict(zip(children["region_code"], children["region_name"], strict=True))
values, notices = page_params.current(PAGE)
shell.show_notices(state, notices)

c1, c2 = st.columns(2)
with c1:
    page_params.select(PAGE, "body", values["body"], tr("Supervisor level"),
                       lambda v: tr("All supervisors") if v == ALL else BODY_NAMES[v])
with c2:
    page_params.select(PAGE, "view", values["view"], tr("Heat map"),
                       lambda v: tr(VIEW_LABELS[v]))

filters = ComplianceFilter(election=state.election, stage=state.stage, body=values["body"],
                           due_from=state.date_from, due_until=state.date_to)
if state.date_from or state.date_to:
    st.caption(tr("The date range selects reports by their due date."))


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _pct_col(column: str) -> pl.Expr:
    """A share as a percentage with one decimal: numbers (not text), so exports stay numeric."""
    return (pl.col(column) * 100).round(1)


def _region(column: str = "region_name") -> pl.Expr:
    return pl.col(column).str.to_titlecase()


# Headline: the split by body sums to the scope's totals, so one query serves both.
by_body = data.compliance_by("body", scope, state.election, state.stage, values["body"],
                             state.date_to, state.date_from)
totals = {c: int(by_body[c].sum()) for c in ("expected", "filed", "on_time", "late", "missing")}
expected = totals["expected"]
share = lambda n: format_share(n / expected if expected else None, lang)  # noqa: E731

m1, m2, m3, m4 = st.columns(4)
m1.metric(tr("Reporting compliance"), share(totals["filed"]))
m1.caption(tr("{filed} of {expected} reports filed", filed=format_number(totals["filed"], lang),
              expected=format_number(expected, lang)))
for col, key in zip((m2, m3, m4), STATUS_LABELS, strict=True):
    col.metric(tr(STATUS_LABELS[key]), share(totals[key]))
    col.caption(tr("{n} of {expected} reports", n=format_number(totals[key], lang),
                   expected=format_number(expected, lang)))
if not expected:
    st.info(tr("No reports were due for this selection."))


def _split_chart(frame: pl.DataFrame, labels: list[str], key: str) -> None:
    """Stacked 100% bars: on time, late, missing per row, each share labelled in its bar."""
    fig = go.Figure()
    for part, label in STATUS_LABELS.items():
        shares = [(n / e if e else None) for n, e in zip(frame[part], frame["expected"],
                                                           strict=True)]
        fig.add_bar(
            y=labels, x=shares, orientation="h", name=tr(label),
            marker={"color": STATUS_COLOURS[part], "pattern": {"shape": STATUS_PATTERNS[part]}},
            text=[format_share(s, lang, 0) if s and s >= 0.06 else "" for s in shares],
            textposition="inside", insidetextanchor="middle",
            customdata=[format_number(n, lang) for n in frame[part]],
            hovertemplate="%{y}: %{customdata} (%{x:.1%})<extra>" + tr(label) + "</extra>",
        )
    fig.update_layout(barmode="stack", height=80 + 36 * len(labels), separators=separators,
                      margin={"l": 0, "r": 10, "t": 10, "b": 0},
                      xaxis={"tickformat": ".0%", "range": [0, 1]},
                      yaxis={"autorange": "reversed"},
                      legend={"orientation": "h", "y": -0.2, "traceorder": "normal"})
    st.plotly_chart(fig, width="stretch", key=key)


def _split_table(frame: pl.DataFrame, labels: list[str], heading: str) -> pl.DataFrame:
    return pl.DataFrame({heading: labels}).with_columns(
        frame.select(pl.col("expected").alias(tr("Expected")), pl.col("filed").alias(tr("Filed")),
                     pl.col("on_time").alias(tr("On time")), pl.col("late").alias(tr("Late")),
                     pl.col("missing").alias(tr("Missing")),
                     _pct_col("rate").alias(tr("Compliance (%)"))))


by_stage = data.compliance_by("stage", scope, state.election, state.stage, values["body"],
                              state.date_to, state.date_from)
by_body = by_body.sort(pl.col("body").replace_strict(
    {b: i for i, b in enumerate(SUPERVISOR_BODIES)}, return_dtype=pl.Int64))
by_stage = by_stage.sort(pl.col("stage").replace_strict(
    {s: i for i, s in enumerate(STAGE_KEYS)}, return_dtype=pl.Int64))
body_labels = [BODY_NAMES[b] for b in by_body["body"]]
stage_labels = [tr(shell.STAGE_LABELS[s]) for s in by_stage["stage"]]

s1, s2 = st.columns(2)
with s1:
    st.subheader(tr("By supervisor level"))
    if by_body.height:
        _split_chart(by_body, body_labels, "c_body")
        st.dataframe(_split_table(by_body, body_labels, tr("Supervisor level")),
                     hide_index=True, width="stretch")
with s2:
    st.subheader(tr("By stage"))
    if by_stage.height:
        _split_chart(by_stage, stage_labels, "c_stage")
        st.dataframe(_split_table(by_stage, stage_labels, tr("Stage")), hide_index=True,
                     width="stretch")
splits = pl.concat([
    _split_table(by_body, body_labels, tr("Breakdown")).with_columns(
        pl.lit(tr("Supervisor level")).alias(tr("By"))),
    _split_table(by_stage, stage_labels, tr("Breakdown")).with_columns(
        pl.lit(tr("Stage")).alias(tr("By"))),
]).select(tr("By"), pl.exclude(tr("By")))
download_buttons(splits, f"pantau-kepatuhan-rincian-{scope or 'indonesia'}", tr, key="c_splits")

# Map and the least compliant regions.
regions = data.region_compliance(level, scope, filters).with_columns(
    compliance_rate=pl.col("rate"))
# Indonesia is far wider than it is tall: the map takes the page's width.
st.subheader(tr("Compliance by {level}", level=shell.LEVEL_NAMES[level]))
clicked = map_view.choropleth(regions, level, scope, "compliance_rate", lang, key="compliance_map")
st.caption(tr("Reports filed ÷ reports expected; the table below gives both numbers."))
if clicked and clicked != scope and level != "village":
    shell.go_to(state, clicked)

st.subheader(tr("Least compliant ({level})", level=shell.LEVEL_NAMES[rank_level]))
least = data.least_compliant(rank_level, scope, filters, 10)
parents = (dict(zip(children["region_code"], children["region_name"], strict=True))
           if rank_level != level else {})
shown_least = least.select(
    pl.col("region_code").alias(tr("Code")), _region().alias(tr("Region")),
    *([pl.col("region_code").str.slice(0, 2).replace_strict(parents, default=None)
       .str.to_titlecase().alias(tr("Province"))] if parents else []),
    _pct_col("rate").alias(tr("Compliance (%)")),
    pl.col("filed").alias(tr("Filed")), pl.col("expected").alias(tr("Expected")),
    (pl.col("gap") * 100).round(1).alias(tr("Gap to siblings (pp)")),
    pl.concat_str(pl.col("sibling_rank").cast(pl.Utf8), pl.lit(" / "),
                  pl.col("siblings").cast(pl.Utf8)).alias(tr("Rank among siblings")),
    pl.col("trend").alias(tr("Trend by stage")),
)
st.dataframe(shown_least, hide_index=True, width="stretch", column_config={
    tr("Trend by stage"): st.column_config.LineChartColumn(tr("Trend by stage"), y_min=0,
                                                            y_max=1)})
st.caption(tr("Gap: the region's compliance minus the median of the other regions under the "
              "same parent, in percentage points. Rank 1 is the lowest. The trend runs over "
              "the stages in their order."))
per_stage = [
    {tr(shell.STAGE_LABELS[s]): _pct(r) for s, r in
     zip(row["trend_stages"] or [], row["trend"] or [], strict=True)}
    for row in least.iter_rows(named=True)]
export_least = shown_least.drop(tr("Trend by stage")).hstack(
    pl.DataFrame(per_stage) if any(per_stage) else pl.DataFrame())
download_buttons(export_least, f"pantau-kepatuhan-terendah-{scope or 'indonesia'}", tr,
                 key="c_least")

# The count columns of the heat map's and the regions' tables; in public mode a suppressed desa's
# say "suppressed" (data_access hides them; with_suppressed only writes the word).
counted = {"expected": tr("Expected"), "filed": tr("Filed"), "on_time": tr("On time"),
           "late": tr("Late"), "missing": tr("Missing")}

# Heat map: where (rows) and when (columns) reporting broke down.
dimension = "week" if values["view"] == "week" else "stage"
st.subheader(tr("Where and when reporting broke down"))
cells = data.compliance_matrix(level, scope, dimension, filters)
if cells.is_empty():
    st.caption(tr("No reports were due for this selection."))
else:
    order = regions.filter(pl.col("rate").is_not_null()).sort("rate", "region_code")
    keep = order["region_code"].head(HEATMAP_ROWS).to_list()
    keep += [c for c in cells["region_code"].unique(maintain_order=True)
             if c not in set(keep)][: max(0, HEATMAP_ROWS - len(keep))]
    if dimension == "stage":
        columns = [s for s in STAGE_KEYS if s in set(cells["stage"])]
        column_labels = [tr(shell.STAGE_LABELS[s]) for s in columns]
    else:
        columns = sorted(set(cells["week"]))
        column_labels = [format_date(w, lang) for w in columns]
    lookup = {(r["region_code"], r[dimension]): r for r in cells.iter_rows(named=True)}
    hidden = tr("suppressed")  # public mode (data_access.privacy), explained under the table
    names = dict(zip(regions["region_code"], regions["region_name"], strict=True))
    z, text, hover = [], [], []
    for code in keep:
        row_z, row_text, row_hover = [], [], []
        for column in columns:
            cell = lookup.get((code, column))
            rate = None if cell is None else cell["rate"]
            row_z.append(rate)
            row_text.append("" if cell is None else hidden if cell["suppressed"]
                            else format_share(rate, lang, 0))
            row_hover.append("" if cell is None else hidden if cell["suppressed"] else
                             tr("{filed} of {expected} filed; {late} late, {missing} missing",
                                filed=format_number(cell["filed"], lang),
                                expected=format_number(cell["expected"], lang),
                                late=format_number(cell["late"], lang),
                                missing=format_number(cell["missing"], lang)))
        z.append(row_z)
        text.append(row_text)
        hover.append(row_hover)
    # Cividis: made for colour-vision deficiencies and monotonic in lightness, so it reads in
    # greyscale too; reversed so that, as on the map, light is low and dark is high. The scale
    # starts just below the lowest cell (not at 0) so that 75% and 95% look different; each cell
    # also prints its value.
    lowest = min((v for row in z for v in row if v is not None), default=0.0)
    heat = go.Figure(go.Heatmap(
        z=z, x=column_labels, y=[f"{names[c].title()} ({c})" for c in keep], text=text,
        customdata=hover, texttemplate="%{text}", colorscale="Cividis", reversescale=True,
        zmin=max(0.0, (lowest * 20 // 1) / 20), zmax=1,
        colorbar={"title": {"text": tr("Compliance")}, "tickformat": ".0%"},
        hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>", xgap=2, ygap=2))
    heat.update_layout(height=120 + 26 * len(keep), separators=separators,
                       margin={"l": 0, "r": 10, "t": 10, "b": 0},
                       yaxis={"autorange": "reversed"}, xaxis={"side": "top"})
    st.plotly_chart(heat, width="stretch", key="c_heatmap")
    if regions.height > len(keep):
        st.caption(tr("The {n} least compliant of {m} regions, least compliant first; every "
                      "region is in the table below.", n=len(keep), m=regions.height))
    else:
        st.caption(tr("Least compliant region first."))
    # The cells on screen (the heat map's rows), one line per region and column.
    matrix_export = with_suppressed(cells.filter(pl.col("region_code").is_in(keep)).select(
        pl.col("region_code").alias(tr("Code")), _region().alias(tr("Region")),
        pl.col("stage").replace_strict({s: tr(shell.STAGE_LABELS[s]) for s in STAGE_KEYS})
        .alias(tr("Stage")) if dimension == "stage" else pl.col("week").alias(tr("Week due")),
        *[pl.col(c).alias(label) for c, label in counted.items()],
        _pct_col("rate").alias(tr("Compliance (%)")), "suppressed"),
        [*counted.values(), tr("Compliance (%)")], tr)
    download_buttons(matrix_export, f"pantau-kepatuhan-peta-panas-{scope or 'indonesia'}", tr,
                     key="c_matrix")

# Every region at the level below, with its denominators.
st.subheader(tr("Regions within {name}", name="Indonesia" if scope is None
                else data.lookup(scope)["name"].title()))
table = with_suppressed(regions.select(
    pl.col("region_code").alias(tr("Code")), _region().alias(tr("Region")),
    *[pl.col(c).alias(label) for c, label in counted.items()],
    _pct_col("rate").alias(tr("Compliance (%)")),
    _pct_col("on_time_rate").alias(tr("On time (%)")), "suppressed",
), [*counted.values(), tr("Compliance (%)"), tr("On time (%)")], tr)
suppression_note(regions, tr)
st.dataframe(table, hide_index=True, width="stretch")
download_buttons(table, f"pantau-kepatuhan-wilayah-{scope or 'indonesia'}", tr, key="c_regions")

# Staffing: a post without a supervisor owes no report, so it never shows as missing above.
st.subheader(tr("Staffing coverage"))
st.caption(tr("A post without a supervisor owes no report, so it never counts as missing: read "
              "compliance together with these gaps."))
staff = data.staffing_summary(scope)
g1, g2 = st.columns(2)
g1.metric(tr("TPS without a PTPS"), format_number(staff["tps_without_ptps"], lang))
g1.caption(tr("{share} of {n} TPS", n=format_number(staff["polling_stations"], lang),
              share=format_share(staff["tps_without_ptps"] / staff["polling_stations"]
                                 if staff["polling_stations"] else None, lang)))
g2.metric(tr("Desa without a PKD"), format_number(staff["villages_without_pkd"], lang))
g2.caption(tr("{share} of {n} desa", n=format_number(staff["villages"], lang),
              share=format_share(staff["villages_without_pkd"] / staff["villages"]
                                 if staff["villages"] else None, lang)))
gaps = data.staffing_gaps(level, scope).select(
    pl.col("region_code").alias(tr("Code")), _region().alias(tr("Region")),
    pl.col("polling_stations").alias(tr("TPS")),
    pl.col("tps_without_ptps").alias(tr("TPS without a PTPS")),
    _pct_col("tps_without_ptps_share").alias(tr("TPS without a PTPS (%)")),
    pl.col("villages").alias(tr("Desa")),
    pl.col("villages_without_pkd").alias(tr("Desa without a PKD")),
    _pct_col("villages_without_pkd_share").alias(tr("Desa without a PKD (%)")),
)
st.dataframe(gaps, hide_index=True, width="stretch")
download_buttons(gaps, f"pantau-kepatuhan-staf-{scope or 'indonesia'}", tr, key="c_staff")

# Missing reports: record level, internal mode only.
st.subheader(tr("Missing reports"))
reader = auth.detail_reader(tr, tr("The list of missing reports is shown in the internal mode "
                                   "only; the public dashboard shows counts."))
if reader is not None:  # data_access refuses anyone else, whatever this page does
    # Not a URL parameter: the list is for internal users acting on it, not a view to share.
    picked = st.selectbox(
        tr("Region"), (None, *child_names), key=f"c_missing_in_{scope}",
        format_func=lambda c: (tr("Choose a region…") if scope is None else
                               tr("All of {name}", name=data.lookup(scope)["name"].title()))
        if c is None else f"{child_names[c].title()} ({c})")
    region = picked or scope
    if region is None:
        st.caption(tr("Choose a region to list its missing reports."))
    else:
        found = data.missing_reports(region, filters, actor=reader)
        st.caption(tr("{n} reports missing; the first {shown} are listed, earliest due first.",
                      n=format_number(found.total, lang), shown=format_number(found.rows.height,
                                                                               lang)))
        missing = found.rows.select(
            pl.col("obligation_id").alias(tr("Obligation")),
            pl.col("body").replace_strict(BODY_NAMES).alias(tr("Supervisor level")),
            pl.col("seat").alias(tr("Seat")), pl.col("post_code").alias(tr("Post")),
            _region("place_name").alias(tr("Place")),
            pl.col("stage").replace_strict({s: tr(shell.STAGE_LABELS[s]) for s in STAGE_KEYS})
            .alias(tr("Stage")),
            pl.col("due_date").alias(tr("Due date")),
        )
        st.dataframe(missing, hide_index=True, width="stretch")
        detail_downloads(missing, f"pantau-laporan-belum-masuk-{region}", tr, key="c_missing",
                         actor=reader, what="missing reports", scope=region)
