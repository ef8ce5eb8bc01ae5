"""What every page shares: the filter state from the URL, the filter bar, the breadcrumb, the
synthetic-data notice and the translator. Pages call :func:`context` and compose the rest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import streamlit as st

from dashboard import data
from dashboard.filters import FilterState, Notice, election_window, parse_params
from dashboard.i18n import t
from data_access.domain import ELECTIONS, STAGE_KEYS
from data_access.engine import StoreUnavailable

ELECTION_LABELS = {"pemilu2024": "General election 2024", "pilkada2024": "Regional elections 2024"}
STAGE_LABELS = {
    "voter_update": "Voter-list updating", "candidacy": "Candidacy", "campaign": "Campaign",
    "quiet_period": "Quiet period", "voting": "Voting", "counting": "Counting",
    "recapitulation": "Recapitulation",
}
# Level names stay Indonesian in every language (DOMAIN.md: proper administrative terms).
LEVEL_NAMES = {"province": "Provinsi", "regency": "Kabupaten/Kota", "district": "Kecamatan",
               "village": "Desa/Kelurahan"}


@dataclass(frozen=True)
class PageContext:
    state: FilterState
    tr: Callable[..., str]


def current_state() -> tuple[FilterState, list[Notice]]:
    return parse_params(st.query_params.to_dict(), data.region_exists)


def set_state(state: FilterState) -> None:
    """Write the state to the URL (a new history entry, so the back button returns). The current
    page's own parameters (``page_params.owned``, recorded by the app entry) stay as they are."""
    current = st.query_params.to_dict()
    keep = st.session_state.get("_pantau_page_params", ())
    params = {**state.to_params(), **{k: current[k] for k in keep if k in current}}
    if params != current:
        st.query_params.from_dict(params)


def context() -> PageContext:
    """The page's filter state and translator, as parsed by the app entry this run."""
    state = st.session_state.get("_pantau_state") or FilterState()
    return PageContext(state, lambda message, **kw: t(message, state.lang, **kw))


def _sync(key: str, url_value: object) -> None:
    """Make a widget show the URL's value when the URL changed (link, back button)."""
    marker = f"_url_{key}"
    if st.session_state.get(marker, object()) != url_value:
        st.session_state[key] = url_value
        st.session_state[marker] = url_value


def _update(**changes: object) -> None:
    state, _ = current_state()
    state = replace(state, **changes)
    set_state(state)
    st.session_state["_pantau_state"] = state


def filter_bar(state: FilterState) -> None:
    """Election, stage, dates, language in the sidebar; the scope breadcrumb on the page."""
    tr = lambda m, **kw: t(m, state.lang, **kw)  # noqa: E731
    with st.sidebar:
        _sync("f_lang", state.lang)
        st.segmented_control(
            tr("Language"), ["id", "en"], key="f_lang",
            format_func=lambda v: {"id": "Bahasa Indonesia", "en": "English"}[v],
            on_change=lambda: _update(lang=st.session_state.f_lang or "id"),
        )
        _sync("f_election", state.election)
        st.selectbox(tr("Election"), ELECTIONS, key="f_election",
                     format_func=lambda v: tr(ELECTION_LABELS[v]),
                     on_change=lambda: _update(election=st.session_state.f_election,
                                               date_from=None, date_to=None))
        _sync("f_stage", state.stage or "all")
        st.selectbox(tr("Stage"), ("all", *STAGE_KEYS), key="f_stage",
                     format_func=lambda v: tr("All stages") if v == "all" else tr(STAGE_LABELS[v]),
                     on_change=lambda: _update(stage=None if st.session_state.f_stage == "all"
                                               else st.session_state.f_stage))
        low, high = election_window(state.election)
        value = (state.date_from or low, state.date_to or high)
        _sync("f_dates", value)
        st.date_input(tr("Date range"), key="f_dates", min_value=low, max_value=high,
                      format="DD/MM/YYYY", on_change=_dates_changed)


def metric_picker(state: FilterState, metrics: tuple[str, ...], labels: dict[str, str]) -> str:
    """The metric a map shows, kept in the URL like every other filter."""
    _sync("f_metric", state.metric)
    st.selectbox(t("Map metric", state.lang), metrics, key="f_metric",
                 format_func=lambda m: t(labels[m], state.lang),
                 on_change=lambda: _update(metric=st.session_state.f_metric))
    return st.session_state.f_metric


def _dates_changed() -> None:
    picked = st.session_state.f_dates
    if isinstance(picked, tuple | list) and len(picked) == 2:
        state, _ = current_state()
        low, high = election_window(state.election)
        start, end = picked
        _update(date_from=None if start == low else start, date_to=None if end == high else end)


def breadcrumb(state: FilterState) -> None:
    """Indonesia → province → kab/kota → kecamatan, each a link back up; a picker goes down."""
    tr = lambda m, **kw: t(m, state.lang, **kw)  # noqa: E731
    chain = data.breadcrumb(state.scope) if state.scope else []
    items = [(None, "Indonesia")] + [(c["code"], c["name"].title()) for c in chain]
    cols = st.columns(len(items) + 1, gap="small", vertical_alignment="center")
    for i, (code, name) in enumerate(items):
        last = i == len(items) - 1
        with cols[i]:
            if last:
                st.markdown(f"**{name}**")
            elif st.button(name, key=f"crumb_{i}", type="tertiary"):
                go_to(state, code)
    if state.scope is None or len(state.scope) < 8:
        children = data.children(state.scope)
        with cols[-1]:
            options = [None, *children["region_code"].to_list()]
            names = dict(zip(children["region_code"], children["region_name"], strict=True))
            picked = st.selectbox(
                tr("Go to region"), options, key=f"drill_{state.scope}", label_visibility="collapsed",
                format_func=lambda c: tr("Choose a region below…") if c is None
                else f"{names[c].title()} ({c})",
            )
            if picked:
                go_to(state, picked)


def go_to(state: FilterState, scope: str | None) -> None:
    new = state.with_scope(scope)
    set_state(new)
    st.session_state["_pantau_state"] = new
    st.rerun()


def synthetic_notice(state: FilterState) -> None:
    try:
        synthetic = bool(data.datasets()["synthetic"].any())
    except StoreUnavailable:
        return
    if synthetic:
        st.warning(t("Simulated data — not official figures", state.lang), icon="⚠️")


def show_notices(state: FilterState, notices: list[Notice]) -> None:
    for notice in notices:
        st.info(t(notice.message, state.lang, param=notice.param), icon="ℹ️")


def today_or(day: date | None) -> date:
    return day or date.today()
