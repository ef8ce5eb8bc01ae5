"""Briefing — the slide deck for a projector: one message per slide, large type, no sidebar.

← / → (and a presenter's clicker: Page Up / Page Down) move between slides, Home and End jump to
the first and last; the slide number lives in the URL (``slide=N``) so a link opens the same
slide. ``advance=30`` moves on every 30 seconds (5 to 600), looping, for an unattended screen.
A small menu in the footer holds the language, the map's metric, the region, the auto-advance,
and the downloads: this slide's chart as PNG and the whole briefing as a PDF pack.
"""

from __future__ import annotations

import time
from dataclasses import replace

import streamlit as st

from dashboard import briefing, data, exports, shell
from dashboard.components import METRIC_LABELS
from dashboard.filters import METRICS
from data_access.engine import store_version

ctx = shell.context()
state, tr = ctx.state, ctx.tr
lang = state.lang


@st.cache_resource(show_spinner=False, max_entries=64)
def _map_layer(level: str, scope: str | None, version: str):
    return exports.map_layer(level, scope)


sources = briefing.Sources(
    headline=data.headline, region_metrics=data.region_metrics,
    last_days_change=data.last_days_change, violations_by_region=data.violations_by_region,
    violations_summary=data.violations_summary, lead_time_buckets=data.lead_time_buckets,
    compliance_by_region=data.compliance_by_region, anomalies_by_rule=data.anomalies_by_rule,
    anomalies_by_region=data.anomalies_by_region, stage_totals=data.stage_totals,
    lookup=data.lookup, datasets=data.datasets,
    map_layer=lambda level, scope: _map_layer(level, scope, store_version()),
)
deck_ctx = briefing.context_for(state, sources)
slides = briefing.SLIDES
index = briefing.slide_index(state, len(slides))
count = len(slides)


def _go(slide: int) -> None:
    """Move to a 1-based slide (wrapping), through the URL like every other filter."""
    current, _ = shell.current_state()
    new = replace(current, slide=(slide - 1) % count + 1)
    shell.set_state(new)
    st.session_state["_pantau_state"] = new


def _set(**changes: object) -> None:
    current, _ = shell.current_state()
    new = replace(current, **changes)
    shell.set_state(new)
    st.session_state["_pantau_state"] = new


content = slides[index].build(deck_ctx)

st.title(content.title, anchor=False)
with st.container(key="briefing_message"):
    st.markdown(content.message)

if content.figure is not None:
    chart_col, numbers_col = (st.columns([3, 1], gap="large") if content.numbers
                              else (st.container(), None))
    with chart_col, st.container(key="briefing_chart"):
        try:
            svg = briefing.rendered_svgs((content.figure.to_json(),))[0]
            st.image(svg.decode("utf-8"), width="content")
        except exports.ExportUnavailable:  # no Chromium on this server: plotly in the browser
            st.plotly_chart(content.figure, theme=None, config={"displayModeBar": False},
                            key=f"briefing_plot_{content.key}")
    if numbers_col is not None:
        with numbers_col, st.container(key="briefing_numbers"):
            for label, value in content.numbers:
                st.metric(label, value)
elif content.numbers:
    with st.container(key="briefing_cover", horizontal=True, gap="large"):
        for label, value in content.numbers:
            st.metric(label, value)
if content.note:
    with st.container(key="briefing_note"):
        st.caption(content.note)


# The footer: synthetic notice, scope, position, previous / next, and the menu.
with st.container(key="briefing_footer"):
    cols = st.columns([3.2, 4.2, 0.9, 4.2, 1.6], vertical_alignment="center")
    with cols[0], st.container(key="briefing_notice"):
        if briefing.is_synthetic(deck_ctx):
            st.markdown(tr("Simulated data — not official figures"))
    cols[1].markdown(briefing.scope_line(deck_ctx))
    cols[2].markdown(f"**{index + 1} / {count}**")
    with cols[3]:
        prev_col, next_col = st.columns(2)
        prev_col.button(tr("Previous"), icon=":material/arrow_back:", shortcut="Left",
                        on_click=_go, args=(index,), key="briefing_prev", width="stretch")
        next_col.button(tr("Next"), icon=":material/arrow_forward:", shortcut="Right",
                        on_click=_go, args=(index + 2,), key="briefing_next", width="stretch")
    with cols[4], st.popover(tr("Menu"), icon=":material/tune:", width="stretch"):
        other = "en" if lang == "id" else "id"
        st.button({"en": "English", "id": "Bahasa Indonesia"}[other], icon=":material/translate:",
                  on_click=_set, kwargs={"lang": other}, key="briefing_lang")
        shell.metric_picker(state, METRICS, METRIC_LABELS)
        provinces = data.children(None)
        names = dict(zip(provinces["region_code"], provinces["region_name"], strict=True))
        options = [None, *names]
        if state.scope is not None and state.scope not in names:
            options.append(state.scope)
            names[state.scope] = deck_ctx.scope_name
        st.selectbox(tr("Region"), options, index=options.index(state.scope),
                     format_func=lambda c: "Indonesia" if c is None else names[c].title(),
                     key="briefing_scope",
                     on_change=lambda: _set(scope=st.session_state.briefing_scope, slide=1))
        choices = (None, 15, 30, 60, 120)
        st.selectbox(tr("Auto-advance"), choices,
                     index=choices.index(state.advance) if state.advance in choices else 0,
                     format_func=lambda s: tr("Off") if s is None else tr("Every {n} s", n=s),
                     key="briefing_advance",
                     on_change=lambda: _set(advance=st.session_state.briefing_advance))
        if content.figure is not None:
            st.download_button(
                tr("This chart as PNG"), lambda: briefing.rendered_png(content.figure.to_json()),
                f"pantau-{content.key}-{state.scope or 'indonesia'}-{lang}.png", "image/png",
                icon=":material/image:", on_click="ignore", key="briefing_png")

        def _pack() -> bytes:
            deck = briefing.build_deck(deck_ctx, slides)
            return exports.pdf_pack(briefing.build_pack(deck_ctx, deck))

        st.download_button(tr("Briefing pack (PDF)"), _pack,
                           f"pantau-briefing-{state.scope or 'indonesia'}-{lang}.pdf",
                           "application/pdf", icon=":material/picture_as_pdf:",
                           on_click="ignore", key="briefing_pdf")

# Presenter clickers send Page Up / Page Down; Home and End jump to either end. Hidden by CSS.
with st.container(key="briefing_keys"):
    st.button(tr("Next"), shortcut="PageDown", on_click=_go, args=(index + 2,), key="k_pgdn")
    st.button(tr("Previous"), shortcut="PageUp", on_click=_go, args=(index,), key="k_pgup")
    st.button(tr("First slide"), shortcut="Home", on_click=_go, args=(1,), key="k_home")
    st.button(tr("Last slide"), shortcut="End", on_click=_go, args=(count,), key="k_end")


if state.advance:
    shown = st.session_state.get("_briefing_shown")
    if not shown or shown[0] != (index, state):
        st.session_state["_briefing_shown"] = ((index, state), time.monotonic())

    @st.fragment(run_every=state.advance)
    def _auto_advance() -> None:
        """Move on once the slide has been up for the interval (the first run only starts the
        clock); a full rerun shows the next slide."""
        (key, since) = st.session_state["_briefing_shown"]
        if key == (index, state) and time.monotonic() - since >= state.advance - 0.5:
            _go(index + 2)
            st.rerun(scope="app")

    _auto_advance()

