"""Page-level URL parameters: filters that belong to one page (the violations page's category,
source and status) and live in the URL beside the shared :class:`~dashboard.filters.FilterState`.

Parsing follows ``dashboard.filters``: each value is checked against an allow-list and bounded in
length, and anything invalid falls back to the default with a :class:`Notice` the page shows.
An absent parameter means "all".

Every page-owned parameter is declared in :data:`PAGE_PARAMS`, keyed by the page's ``url_path``,
so the shell can tell a page's own parameter from an unknown one.

Why this module remembers values between runs: the app entry canonicalises the URL at the start
of every run (``shell.set_state`` writes ``FilterState.to_params()``), which drops parameters the
shared state does not know, and ``shell.go_to`` does the same before its rerun. So a page reads
its parameters from the URL *as the browser sent it for this run*, writes them back after the
shell, and carries them over a rerun the shell started (a drill-down, a breadcrumb click). The
cost, until ``shell.set_state`` keeps the names :func:`owned` lists for the current page, is an
extra browser-history entry per run while a page filter is set; with that change the carry-over
is a no-op and the URL is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st

from dashboard.filters import MAX_PARAM_LENGTH, Notice
from data_access.domain import CASE_CATEGORIES, CASE_SOURCES, SUPERVISOR_BODIES
from data_access.violations import CASE_STATUSES

ALL = "all"


@dataclass(frozen=True)
class PageParam:
    """One page-owned URL parameter: its name and the values it may take (absent = all)."""

    name: str
    allowed: tuple[str, ...]


# url_path → the page's own parameters, in the order its filter row shows them.
PAGE_PARAMS: dict[str, tuple[PageParam, ...]] = {
    "pelanggaran": (PageParam("category", CASE_CATEGORIES), PageParam("source", CASE_SOURCES),
                    PageParam("status", CASE_STATUSES)),
    # Kepatuhan Pelaporan: the supervisor level, and the heat map's columns (absent = by stage).
    "kepatuhan-pelaporan": (PageParam("body", tuple(SUPERVISOR_BODIES)),
                            PageParam("view", ("week",))),
}


def owned(url_path: str) -> tuple[str, ...]:
    """The parameter names a page owns: what the shell should keep in that page's URL."""
    return tuple(spec.name for spec in PAGE_PARAMS.get(url_path, ()))


def parse_page_params(params: Mapping[str, object], specs: tuple[PageParam, ...]
                      ) -> tuple[dict[str, str | None], list[Notice]]:
    """Read page parameters from query parameters; never raises on visitor input."""
    values: dict[str, str | None] = {}
    notices: list[Notice] = []
    for spec in specs:
        raw = params.get(spec.name)
        if isinstance(raw, list | tuple):
            raw = raw[-1] if raw else None
        values[spec.name] = None
        if raw is None:
            continue
        text = str(raw)
        if len(text) > MAX_PARAM_LENGTH:
            notices.append(Notice(spec.name, "The parameter '{param}' is too long and was ignored."))
        elif text in spec.allowed:
            values[spec.name] = text
        elif text != ALL:
            notices.append(Notice(spec.name, "Unknown value for '{param}'; the default is shown."))
    return values, notices


def to_params(values: Mapping[str, str | None]) -> dict[str, str]:
    """Only values other than 'all' go into the URL, so links stay short."""
    return {name: value for name, value in values.items() if value is not None}


def _browser_params(names: tuple[str, ...]) -> dict[str, object]:
    """This run's page parameters from the URL (the shell keeps the current page's own
    parameters when it rewrites the URL, see ``shell.set_state``)."""
    current = st.query_params.to_dict()
    return {name: current[name] for name in names if name in current}


def _state_key(page: str) -> str:
    return f"_page_params_{page}"


def current(page: str) -> tuple[dict[str, str | None], list[Notice]]:
    """The parameter values of the page at ``url_path`` ``page`` for this run, and notices for
    ignored ones; writes them back to the URL. A widget change this run wins over the URL."""
    specs = PAGE_PARAMS[page]
    raw = _browser_params(owned(page))
    values, notices = parse_page_params(raw, specs)
    memory = st.session_state.get(_state_key(page))
    values.update(memory.pop("changed", {}) if memory else {})
    st.session_state[_state_key(page)] = {"values": values}
    _write_url(values)
    return values, notices


def _write_url(values: Mapping[str, str | None]) -> None:
    wanted = to_params(values)
    present = st.query_params.to_dict()
    missing = {k: v for k, v in wanted.items() if present.get(k) != v}
    if missing:
        st.query_params.update(missing)
    for name in values:
        if name not in wanted and name in present:
            del st.query_params[name]


def _sync(key: str, value: str) -> None:
    """Show the URL's value in a widget when the URL changed (a link, the back button)."""
    marker = f"_url_{key}"
    if key not in st.session_state or st.session_state.get(marker, object()) != value:
        st.session_state[key] = value
        st.session_state[marker] = value


def select(page: str, name: str, value: str | None, label: str,
           format_func: Callable[[str], str]) -> None:
    """A select box for one page parameter; a change is written to the URL on the next run."""
    spec = next(spec for spec in PAGE_PARAMS[page] if spec.name == name)
    key = f"pp_{page}_{name}"
    _sync(key, value or ALL)

    def changed() -> None:
        picked = st.session_state.get(key) or ALL
        memory = st.session_state.setdefault(_state_key(page), {"values": {}})
        memory.setdefault("changed", {})[spec.name] = None if picked == ALL else picked

    st.selectbox(label, (ALL, *spec.allowed), key=key, format_func=format_func,
                 on_change=changed)
