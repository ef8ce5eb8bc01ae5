"""Briefing mode (*mode presentasi*): the slides for a projector, and the same slides on paper.

A slide says one thing, in a sentence and a chart large enough for the back of a room. Each slide
is a builder from the filter state and the data to a :class:`SlideContent` (translated text,
formatted numbers, a plotly figure). Builders hold no Streamlit, so the page, the PDF pack, the
PNG downloads and the tests all build exactly the same slide.

To add a slide (a domain page's own message, for example), write a builder
``(BriefingContext) -> SlideContent`` and add a :class:`Slide` to :data:`SLIDES`. Wrap its title
in :func:`N_` so ``dashboard.catalogue_check`` finds it; any data it needs goes into
:class:`Sources` (one cached callable per ``data_access`` function).

Colours are colour-blind safe (Okabe–Ito for categories, ColorBrewer for maps) and never the only
carrier of meaning: bars carry their numbers as text, increases their sign.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from functools import partial

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import streamlit as st

from dashboard import exports
from dashboard.components import (
    HIGHER_IS_BETTER,
    METRIC_LABELS,
    RULE_LABELS,
    SHARE_METRICS,
    format_metric,
)
from dashboard.filters import FilterState
from dashboard.i18n import t
from dashboard.map_view import SCHEMES
from dashboard.shell import ELECTION_LABELS, LEVEL_NAMES, STAGE_LABELS
from data_access import anomalies, codes, compliance, overview, provenance, regions, violations, voter_list
from data_access.overview import OverviewFilter
from data_access.privacy import ScopeSuppressed
from data_access.violations import CaseFilter
from pantau.formatting import format_date, format_number, format_share

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
BLUE, VERMILLION, ORANGE, SKY, GREY = "#0072B2", "#D55E00", "#E69F00", "#56B4E9", "#6b6b6b"
INK, ACCENT = "#111111", "#8B1E24"
FIGURE_FONT = 30  # px on the 1280 × 720 chart canvas: 1/24 of its height, legible at the back
TOP_N = 10
MAP_CANVAS = (1600, 720)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark now, translate later"
    """Mark a message id for the catalogue without translating it yet (gettext's ``N_``)."""
    return message


# The same words as the voter-anomalies page (pages/voter_anomalies.py), so one translation serves.
FUNNEL_LABELS = {"cases": "Received", "registered": "Registered",
                 "violations": "Found to be violations", "forwarded": "Forwarded"}


@dataclass(frozen=True)
class Sources:
    """Where the slides read their numbers: ``data_access`` functions, or the dashboard's cached
    wrappers of the same functions (``dashboard.data``). Every one aggregates in the database."""

    headline: Callable = overview.headline
    region_metrics: Callable = overview.region_metrics
    last_days_change: Callable = overview.last_days_change
    violations_by_region: Callable = violations.violations_by_region
    violations_summary: Callable = violations.violations_summary
    lead_time_buckets: Callable = violations.lead_time_buckets
    compliance_by_region: Callable = compliance.compliance_by_region
    anomalies_by_rule: Callable = anomalies.anomalies_by_rule
    anomalies_by_region: Callable = anomalies.anomalies_by_region
    stage_totals: Callable = voter_list.stage_totals
    lookup: Callable = regions.lookup
    datasets: Callable = provenance.datasets
    map_layer: Callable = exports.map_layer

    @classmethod
    def on(cls, engine: object) -> Sources:
        """The same functions bound to one engine (tests, the command line)."""
        bound = {f.name: partial(getattr(cls, f.name), engine=engine) for f in fields(cls)
                 if f.name != "map_layer"}
        return cls(**bound)


@dataclass(frozen=True)
class SlideContent:
    """One slide, ready to show: every string translated, every number formatted."""

    key: str
    title: str
    message: str
    figure: go.Figure | None = None
    numbers: tuple[tuple[str, str], ...] = ()  # (label, value) shown large beside the chart
    note: str = ""


@dataclass(frozen=True)
class BriefingContext:
    """What every slide builder gets: the filters, the scope, the translator and the data."""

    state: FilterState
    sources: Sources
    scope_name: str
    level: str
    filters: OverviewFilter

    @property
    def lang(self) -> str:
        return self.state.lang

    def tr(self, message: str, **values: object) -> str:
        return t(message, self.state.lang, **values)


@dataclass(frozen=True)
class Slide:
    """A slide in the deck: a stable key, its (untranslated) title, its builder."""

    key: str
    title: str
    builder: Callable[[BriefingContext], SlideContent]
    domain: str = "overview"

    def build(self, ctx: BriefingContext) -> SlideContent:
        """The slide, or a plain statement when public mode hides this scope's figures."""
        try:
            return self.builder(ctx)
        except ScopeSuppressed:
            return SlideContent(self.key, ctx.tr(self.title), ctx.tr(
                "Figures for this area are suppressed in the public dashboard: too few cases "
                "to show without pointing at people. See the level above."))


def context_for(state: FilterState, sources: Sources = Sources()) -> BriefingContext:
    """The briefing's context for a filter state: the map shows the level under the scope."""
    name = "Indonesia"
    if state.scope is not None:
        found = sources.lookup(state.scope)
        name = found["name"].title() if found else state.scope
    level = codes.child_level(None if state.scope is None else codes.level_of(state.scope))
    filters = OverviewFilter(state.election, state.stage, state.date_from, state.date_to)
    return BriefingContext(state, sources, name, level, filters)


def region_label(name: str) -> str:
    """Region names are proper names: never translated, only title-cased like every page."""
    return name.title()


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

def style(fig: go.Figure, lang: str, *, legend: bool = False) -> go.Figure:
    """The projector look: black on white, large type, the language's decimal and grouping
    marks on the axes (plotly's ``separators``: decimal first)."""
    fig.update_layout(
        template="simple_white", paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
        font={"family": exports.FONT_FAMILY, "size": FIGURE_FONT, "color": INK},
        separators=",." if lang == "id" else ".,", showlegend=legend,
        margin={"l": 16, "r": 40, "t": 16, "b": 16}, hoverlabel={"font_size": FIGURE_FONT},
    )
    return fig


def bar_figure(labels: list[str], values: list[float], texts: list[str], lang: str, *,
               colors: list[str] | str = BLUE, share: bool = False,
               reference: tuple[float, str] | None = None) -> go.Figure:
    """Horizontal bars, largest message on top, each bar labelled with its formatted value."""
    fig = go.Figure(go.Bar(
        y=labels[::-1], x=values[::-1], orientation="h", text=texts[::-1],
        textposition="outside", cliponaxis=False, textfont={"size": FIGURE_FONT, "color": INK},
        marker={"color": colors[::-1] if isinstance(colors, list) else colors,
                "line": {"color": INK, "width": 0.5}},
        hoverinfo="y+text"))
    if reference is not None:
        value, label = reference
        fig.add_vline(x=value, line={"color": INK, "width": 3, "dash": "dash"})
        fig.add_annotation(x=value, y=1.0, yref="paper", yanchor="bottom", text=label,
                           showarrow=False, font={"size": FIGURE_FONT, "color": INK},
                           bgcolor="rgba(255,255,255,0.9)")
    style(fig, lang)
    fig.update_xaxes(visible=False, range=[min(0.0, min(values or [0]) * 1.35),
                                           max(values or [1]) * 1.35 or 1])
    fig.update_yaxes(ticks="", showline=False, automargin=True)
    if share:
        fig.update_xaxes(tickformat=".0%")
    return fig


def signed(value: int, lang: str) -> str:
    """``+12`` / ``−5`` (a real minus sign), so direction never rests on colour alone."""
    if value == 0:
        return "±0"
    return ("+" if value > 0 else "−") + format_number(abs(value), lang)


# ---------------------------------------------------------------------------------------------
# Slides
# ---------------------------------------------------------------------------------------------

def _cut_off(ctx: BriefingContext) -> date | None:
    change = ctx.sources.last_days_change(ctx.state.scope, ctx.filters)
    return change.get("end")


def headline_slide(ctx: BriefingContext) -> SlideContent:
    """The cover: where, up to when, and the four numbers everyone asks for first."""
    lang, tr = ctx.lang, ctx.tr
    head = ctx.sources.headline(ctx.state.scope, ctx.filters)
    end = _cut_off(ctx)
    message = (tr("Data up to {date}", date=format_date(end, lang)) if end
               else tr("No dated records for this selection."))
    def hidden_or(suppressed: bool, shown: str) -> str:
        return tr("suppressed") if suppressed else shown

    return SlideContent("headline", tr("Situation in {scope}", scope=ctx.scope_name), message,
                        numbers=(
                            (tr("Violation cases"), hidden_or(
                                head["cases_suppressed"], format_number(head["cases"], lang))),
                            (tr("Reporting compliance"), hidden_or(
                                head["reports_suppressed"],
                                format_share(head["compliance_rate"], lang))),
                            (tr("Voter-list anomalies"), hidden_or(
                                head["anomalies_suppressed"],
                                format_number(head["anomaly_flags"], lang))),
                            (tr("TPS with a supervisor"), format_share(head["coverage"], lang)),
                        ))


def map_slide(ctx: BriefingContext) -> SlideContent:
    """The chosen metric across the regions one level down, and the region that stands out."""
    lang, tr = ctx.lang, ctx.tr
    metric = ctx.state.metric
    label = tr(METRIC_LABELS[metric])
    frame = ctx.sources.region_metrics(ctx.level, ctx.state.scope, ctx.filters)
    valued = frame.filter(pl.col(metric).is_not_null())
    # Level names stay Indonesian in every language (DOMAIN.md).
    title = tr("{metric} by {level}", metric=label, level=LEVEL_NAMES[ctx.level])
    if valued.height == 0:
        return SlideContent("map", title, tr("No data for this selection."))
    lowest = metric in HIGHER_IS_BETTER and metric != "voters"
    top = valued.sort([metric, "region_code"], descending=[not lowest, False]).row(0, named=True)
    value = format_metric(metric, top[metric], lang)
    region = region_label(top["region_name"])
    message = (tr("Lowest: {region}, {value}", region=region, value=value) if lowest
               else tr("Highest: {region}, {value}", region=region, value=value))
    values = frame.select("region_code", pl.col(metric).cast(pl.Float64).alias("value"))
    try:
        layer = ctx.sources.map_layer(ctx.level, ctx.state.scope)
    except Exception:  # no boundary files (geo.BoundariesUnavailable) or unreadable ones
        layer = None
    if layer is None:
        best = valued.sort([metric, "region_code"], descending=[not lowest, False]).head(TOP_N)
        fig = bar_figure([region_label(n) for n in best["region_name"]],
                         best[metric].cast(pl.Float64).to_list(),
                         [format_metric(metric, v, lang) for v in best[metric]], lang)
        note = tr("No boundary files were found, so the regions are listed instead of mapped.")
        return SlideContent("map", title, message, fig, note=note)
    fig = exports.static_map(layer.frame, values, exports.MapText(label, tr("No data")), lang=lang,
                             scheme=SCHEMES[metric], as_share=metric in SHARE_METRICS,
                             decimals=1 if metric == "rate_per_100k" else 0,
                             font_size=FIGURE_FONT)
    # Indonesia is about 2.6 times as wide as tall: a wider canvas than 16:9 and the whole width
    # of the slide, so the islands are not letter-boxed.
    fig.update_layout(width=MAP_CANVAS[0], height=MAP_CANVAS[1])
    missing = layer.report.election_without_boundary
    note = tr("{n} regions have no boundary polygon and are not drawn: {codes}", n=len(missing),
              codes=", ".join(f"{n} ({c})" for c, n in missing[:10])) if missing else ""
    return SlideContent("map", title, message, fig, note=note)


def changes_slide(ctx: BriefingContext) -> SlideContent:
    """Cases received in the last seven days against the seven before, and the regions whose
    count moved most."""
    lang, tr = ctx.lang, ctx.tr
    title = tr("Biggest changes in the last 7 days")
    change = ctx.sources.last_days_change(ctx.state.scope, ctx.filters)
    if change.get("end") is None:
        return SlideContent("changes", title, tr("No dated records for this selection."))
    start, end = change["start"], change["end"]
    now_filter = CaseFilter(election=ctx.state.election, received_from=start, received_until=end)
    before_filter = replace(now_filter, received_from=start - timedelta(days=7),
                            received_until=start - timedelta(days=1))
    now = ctx.sources.violations_by_region(ctx.level, ctx.state.scope, now_filter)
    before = ctx.sources.violations_by_region(ctx.level, ctx.state.scope, before_filter)
    moved = (now.select("region_code", "region_name", "cases")
             .join(before.select("region_code", pl.col("cases").alias("before")),
                   on="region_code", how="left")
             .with_columns(delta=pl.col("cases") - pl.col("before").fill_null(0))
             .filter(pl.col("delta") != 0)
             .sort([pl.col("delta").abs(), "region_code"], descending=[True, False])
             .head(TOP_N))
    delta = int(change["cases"] - change["cases_before"])
    message = tr("{n} cases received from {start} to {end}: {change} against the 7 days before",
                 n=format_number(change["cases"], lang), start=format_date(start, lang),
                 end=format_date(end, lang), change=signed(delta, lang))
    numbers = ((tr("Cases received"), format_number(change["cases"], lang)),
               (tr("The 7 days before"), format_number(change["cases_before"], lang)))
    if moved.height == 0:
        return SlideContent("changes", title, message, numbers=numbers)
    deltas = moved["delta"].to_list()
    fig = bar_figure([region_label(n) for n in moved["region_name"]], [float(d) for d in deltas],
                     [signed(d, lang) for d in deltas], lang,
                     colors=[VERMILLION if d > 0 else BLUE for d in deltas])
    fig.add_vline(x=0, line={"color": INK, "width": 2})
    return SlideContent("changes", title, message, fig, numbers,
                        note=tr("Change in cases received, by region"))


def funnel_slide(ctx: BriefingContext) -> SlideContent:
    """Perbawaslu 7/2022's path: received → registered → found a violation → forwarded."""
    lang, tr = ctx.lang, ctx.tr
    cases = ctx.filters.cases()
    summary = ctx.sources.violations_summary(ctx.state.scope, cases)
    title = tr("The violations funnel")
    if not summary["cases"]:
        return SlideContent("funnel", title, tr("No data for this selection."))
    steps = list(FUNNEL_LABELS)
    fig = go.Figure(go.Funnel(
        y=[tr(FUNNEL_LABELS[s]) for s in steps], x=[summary[s] for s in steps],
        text=[format_number(summary[s], lang) for s in steps], textinfo="text",
        textposition="inside", textfont={"size": FIGURE_FONT + 4, "color": "#ffffff"},
        marker={"color": [BLUE, BLUE, VERMILLION, BLUE], "line": {"color": INK, "width": 1}},
        connector={"fillcolor": "#d9e6f2"}))
    style(fig, lang)
    fig.update_yaxes(automargin=True)
    share = summary["violations"] / summary["cases"]
    message = tr("{violations} of {cases} cases were found to be violations ({share})",
                 violations=format_number(summary["violations"], lang),
                 cases=format_number(summary["cases"], lang), share=format_share(share, lang))
    buckets = dict(ctx.sources.lead_time_buckets(ctx.state.scope, cases).iter_rows())
    decided = sum(buckets.get(b, 0) for b in ("within_7", "within_14", "late"))
    numbers = (
        (tr("Decided within 7 days"), format_share(buckets.get("within_7", 0) / decided, lang)
         if decided else "–"),
        (tr("Open past the deadline"), format_number(buckets.get("overdue_open", 0), lang)),
    )
    return SlideContent("funnel", title, message, fig, numbers,
                        note=tr("A finding is due 7 days after registration, plus 7 days' "
                                "extension (Perbawaslu 7/2022)."))


def compliance_slide(ctx: BriefingContext) -> SlideContent:
    """The regions that filed the smallest share of the supervision reports they owed."""
    lang, tr = ctx.lang, ctx.tr
    st_ = ctx.state
    frame = ctx.sources.compliance_by_region(ctx.level, st_.scope, st_.election, st_.stage, None,
                                             st_.date_to, st_.date_from)
    title = tr("Least compliant regions")
    owed = frame.filter(pl.col("expected") > 0)
    if owed.height == 0:
        return SlideContent("compliance", title, tr("No reports were due in this selection."))
    worst = owed.sort(["rate", "region_code"]).head(TOP_N)
    first = worst.row(0, named=True)
    message = tr("{region} filed {rate} of the reports it owed, the lowest",
                 region=region_label(first["region_name"]), rate=format_share(first["rate"], lang))
    overall = owed["filed"].sum() / owed["expected"].sum()
    texts = [f'{format_share(r, lang)} ({format_number(f, lang)} / {format_number(e, lang)})'
             for r, f, e in worst.select("rate", "filed", "expected").iter_rows()]
    fig = bar_figure([region_label(n) for n in worst["region_name"]], worst["rate"].to_list(),
                     texts, lang, colors=[VERMILLION] + [BLUE] * (worst.height - 1), share=True,
                     reference=(overall, format_share(overall, lang)))
    fig.update_xaxes(range=[0, 1.45])
    fig.update_layout(margin={"t": 60})
    numbers = ((tr("All of {scope}", scope=ctx.scope_name), format_share(overall, lang)),
               (tr("Reports missing"), format_number(owed["missing"].sum(), lang)))
    return SlideContent("compliance", title, message, fig, numbers,
                        note=tr("Reports filed ÷ reports expected by the obligation schedule."))


def anomalies_slide(ctx: BriefingContext) -> SlideContent:
    """What the voter-list checks flagged most, with the final list's size for scale."""
    lang, tr = ctx.lang, ctx.tr
    title = tr("Voter-list anomalies")
    by_rule = (ctx.sources.anomalies_by_rule(ctx.state.scope).group_by("rule_id")
               .agg(pl.col("flags").sum()).sort(["flags", "rule_id"], descending=[True, False]))
    total = int(by_rule["flags"].sum()) if by_rule.height else 0
    stages = ctx.sources.stage_totals(ctx.state.scope)
    dpt = stages.filter(pl.col("stage") == "DPT")["voters_total"]
    numbers = [(tr("Voters (DPT)"), format_number(dpt[0] if dpt.len() else None, lang))]
    if total == 0:
        return SlideContent("anomalies", title, tr("No anomaly was flagged in this selection."),
                            numbers=tuple(numbers))
    top = by_rule.head(TOP_N)
    label = lambda rule: tr(RULE_LABELS[rule]) if rule in RULE_LABELS else rule  # noqa: E731
    message = tr("{n} anomaly flags; the most common: {rule}", n=format_number(total, lang),
                 rule=label(top["rule_id"][0]))
    places = ctx.sources.anomalies_by_region(ctx.level, ctx.state.scope).sort(
        ["flags", "region_code"], descending=[True, False])
    if places.height and places["flags"][0]:
        numbers.append((tr("Most flags: {region}", region=region_label(places["region_name"][0])),
                        format_number(places["flags"][0], lang)))
    fig = bar_figure([label(r) for r in top["rule_id"]], top["flags"].cast(pl.Float64).to_list(),
                     [format_number(v, lang) for v in top["flags"]], lang)
    return SlideContent("anomalies", title, message, fig, tuple(numbers),
                        note=tr("A flag asks for a check; it is not a finding."))


SLIDES: tuple[Slide, ...] = (
    Slide("headline", N_("Situation"), headline_slide),
    Slide("map", N_("Map"), map_slide),
    Slide("changes", N_("Last 7 days"), changes_slide),
    Slide("funnel", N_("Violations funnel"), funnel_slide, "violations"),
    Slide("compliance", N_("Least compliant regions"), compliance_slide, "compliance"),
    Slide("anomalies", N_("Voter-list anomalies"), anomalies_slide, "voter_list"),
)


def slide_index(state: FilterState, count: int = len(SLIDES)) -> int:
    """The 0-based slide to show: the URL's 1-based ``slide``, kept inside the deck."""
    return min(max(state.slide, 1), count) - 1


def build_deck(ctx: BriefingContext, slides: tuple[Slide, ...] = SLIDES) -> list[SlideContent]:
    return [slide.build(ctx) for slide in slides]


# ---------------------------------------------------------------------------------------------
# The pack
# ---------------------------------------------------------------------------------------------

def scope_line(ctx: BriefingContext) -> str:
    """Scope and filters in words, for the slide footer and the pack's cover."""
    tr, lang, st_ = ctx.tr, ctx.lang, ctx.state
    parts = [ctx.scope_name, tr(ELECTION_LABELS[st_.election])]
    parts.append(tr(STAGE_LABELS[st_.stage]) if st_.stage else tr("All stages"))
    if st_.date_from or st_.date_to:
        parts.append(f"{format_date(st_.date_from, lang)} – {format_date(st_.date_to, lang)}")
    return " · ".join(parts)


def is_synthetic(ctx: BriefingContext) -> bool:
    return bool(ctx.sources.datasets()["synthetic"].any())


def build_pack(ctx: BriefingContext, deck: list[SlideContent], today: date | None = None
               ) -> exports.Pack:
    """The PDF pack for the current scope and filters: a cover with the headline numbers, one
    page per slide, the data sources, and the synthetic-data notice where it applies."""
    tr, lang = ctx.tr, ctx.lang
    datasets = ctx.sources.datasets()
    cover = next((s for s in deck if s.key == "headline"), None)
    rows = tuple(
        (row["kind"], row["source"], tr("Simulated") if row["synthetic"] else tr("Real"),
         format_date(row["loaded_at"].date(), lang) if row["loaded_at"] else "–",
         format_number(row["row_count"], lang))
        for row in datasets.iter_rows(named=True))
    return exports.Pack(
        title=tr("Pantau briefing: {scope}", scope=ctx.scope_name),
        subtitle=scope_line(ctx) + (f" · {cover.message}" if cover else ""),
        generated=tr("Made on {date}", date=format_date(today or date.today(), lang)),
        pages=tuple(exports.PackPage(s.title, s.message, s.figure, s.numbers, s.note)
                    for s in deck if s.key != "headline"),
        numbers=cover.numbers if cover else (),
        sources_title=tr("Data sources"),
        sources_header=(tr("Dataset"), tr("Source"), tr("Nature"), tr("Loaded at"), tr("Rows")),
        sources=rows,
        methodology=(
            tr("Compliance = reports filed ÷ reports expected by the obligation schedule."),
            tr("Violations follow Perbawaslu 7/2022: received → registered → finding → forwarded."),
            tr("Voter-list anomalies are judged against neighbouring regions; a flag asks for a "
               "check, it is not a finding."),
            tr("Boundaries: Kepmendagri 2025 polygons (cahyadsn/wilayah_boundaries, MIT), joined "
               "to the 2024 election's codes."),
        ),
        notice=tr("Simulated data — not official figures") if is_synthetic(ctx) else None,
    )


# ---------------------------------------------------------------------------------------------
# On screen (Streamlit)
# ---------------------------------------------------------------------------------------------

# Sizes in vh: the projected picture has the same physical size at 1280 × 720 and 1920 × 1080, so
# text keeps the same share of the screen height. 1 vh of a 1.7 m tall picture is 1.7 cm.
PRESENTATION_CSS = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stSidebarNav"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
html { font-size: clamp(15px, 2.4vh, 36px); }
.stApp, .stApp p, .stApp li { color: #111111; }
[data-testid="stMainBlockContainer"], .block-container {
  padding: 2.2vh 3vw 11vh 3vw !important; max-width: 100% !important; }
h1 { font-size: 5.4vh !important; line-height: 1.15 !important; color: #8B1E24 !important;
     padding: 0 0 0.6vh 0 !important; }
[data-testid="stMetricValue"] { font-size: 6.2vh !important; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 2.7vh !important; color: #222 !important; }
.st-key-briefing_exit { position: fixed !important; top: 0.6vh; right: 1vw; left: auto !important;
  width: auto !important; z-index: 1000; }
.st-key-briefing_exit button { opacity: 0.55; }
.st-key-briefing_exit button:hover, .st-key-briefing_exit button:focus { opacity: 1; }
.st-key-briefing_message p { font-size: 3.6vh !important; font-weight: 600; line-height: 1.25; }
.st-key-briefing_chart img { height: 60vh !important; width: auto !important;
  max-width: 100% !important; object-fit: contain; }
.st-key-briefing_chart [data-testid="stImageContainer"], .st-key-briefing_chart
  [data-testid="stImage"] { align-items: flex-start; }
.st-key-briefing_numbers [data-testid="stMetric"] { border-left: 0.8vh solid #0072B2;
  padding-left: 1.2vw; margin-bottom: 2vh; }
.st-key-briefing_cover { margin-top: 6vh; }
.st-key-briefing_cover [data-testid="stMetric"] { border-left: 1vh solid #0072B2;
  padding-left: 1.4vw; }
.st-key-briefing_cover [data-testid="stMetricValue"] { font-size: 10vh !important; }
.st-key-briefing_cover [data-testid="stMetricLabel"] p { font-size: 3.2vh !important; }
.st-key-briefing_note p, .st-key-briefing_note [data-testid="stCaptionContainer"] {
  font-size: 2.2vh !important; color: #333 !important; }
.st-key-briefing_footer { position: fixed; left: 0; right: 0; bottom: 0; z-index: 999;
  background: #ffffff; border-top: 0.35vh solid #8B1E24; padding: 0.8vh 3vw; }
.st-key-briefing_footer p { font-size: 2.4vh !important; margin: 0 !important; }
.st-key-briefing_footer button p { font-size: 2.2vh !important; }
[data-testid="stHeaderActionElements"] { display: none !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
.st-key-briefing_notice p { color: #8B1E24 !important; font-weight: 700; }
.st-key-briefing_keys { display: none !important; }
"""


def presentation_chrome(state: FilterState) -> bool:
    """``?mode=briefing`` on any page: no sidebar or navigation, large type, and one small
    "exit" control (Esc) in the corner; True when it was pressed."""
    st.html(f"<style>{PRESENTATION_CSS}</style>")
    with st.container(key="briefing_exit"):
        return st.button(t("Exit presentation", state.lang), icon=":material/close_fullscreen:",
                         shortcut="Esc", type="tertiary")


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def rendered_svgs(figures: tuple[str, ...]) -> tuple[bytes, ...]:
    """The deck's charts as SVG, rendered in one browser session and kept (``figures`` as plotly
    JSON, so the same charts are never rendered twice). Raises ``exports.ExportUnavailable``."""
    return tuple(exports.render_images([pio.from_json(f) for f in figures], "svg"))


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def rendered_png(figure: str) -> bytes:
    """One chart as the PNG download (1920 × 1080 pixels)."""
    return exports.figure_png(pio.from_json(figure))


__all__ = ["SLIDES", "BriefingContext", "Slide", "SlideContent", "Sources", "build_deck",
           "build_pack", "context_for", "slide_index", "N_"]
