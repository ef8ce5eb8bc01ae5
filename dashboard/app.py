"""Pantau's entry point: `streamlit run dashboard/app.py`.

The entry parses the URL's filter state once per run, renders what every page shares (notices,
the synthetic-data warning, the filter bar), and routes to the page. Only pages that work are in
the navigation; their ``url_path`` values are stable because shared links depend on them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import streamlit as st

from dashboard import auth, briefing, page_params, shell
from dashboard.i18n import t
from data_access.engine import StoreUnavailable

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

DOMAIN_PAGES = (
    ("violations.py", "Violations", ":material/gavel:", "pelanggaran"),
    ("compliance.py", "Reporting compliance", ":material/assignment_turned_in:",
     "kepatuhan-pelaporan"),
    ("voter_anomalies.py", "Voter-list anomalies", ":material/person_search:",
     "anomali-daftar-pemilih"),
)

st.set_page_config(page_title="Pantau", page_icon="🗳️", layout="wide")


def main() -> None:
    try:
        state, notices = shell.current_state()
    except StoreUnavailable as exc:
        st.error(str(exc))
        st.stop()
    st.session_state["_pantau_state"] = state
    tr = lambda m, **kw: t(m, state.lang, **kw)  # noqa: E731
    actor = auth.gate(tr)  # internal mode: nothing below renders before sign-in
    pages = [
        st.Page(PAGES_DIR / "overview.py", title=tr("Overview"), icon=":material/map:",
                url_path="ringkasan", default=True),
        st.Page(PAGES_DIR / "region_profile.py", title=tr("Region profile"),
                icon=":material/location_on:", url_path="profil-wilayah"),
    ]
    # Domain pages join the navigation once their script exists (only working pages appear).
    for script, title, icon, url_path in DOMAIN_PAGES:
        if (PAGES_DIR / script).exists():
            pages.append(st.Page(PAGES_DIR / script, title=tr(title), icon=icon,
                                 url_path=url_path))
    pages.append(st.Page(PAGES_DIR / "briefing.py", title=tr("Briefing"),
                         icon=":material/slideshow:", url_path="briefing"))
    pages.append(st.Page(PAGES_DIR / "about.py", title=tr("About the data"),
                         icon=":material/info:", url_path="tentang-data"))
    if actor is not None and actor.can("admin"):
        pages.append(st.Page(PAGES_DIR / "admin.py", title=tr("Administration"),
                             icon=":material/admin_panel_settings:", url_path="administrasi"))
    # ?mode=briefing on any page: projector layout, no sidebar or navigation (issue 9).
    presenting = state.mode == "briefing"
    page = st.navigation(pages, position="hidden" if presenting else "sidebar")
    asked = st.session_state.pop(auth.REQUESTED_KEY, "")
    wanted = next((p for p in pages if p.url_path == asked and asked), None)
    if wanted is not None and wanted.url_path != page.url_path:  # the link opened before sign-in
        st.switch_page(wanted, query_params=st.query_params.to_dict())
    st.session_state["_pantau_page_params"] = page_params.owned(page.url_path)
    shell.set_state(state)  # canonical URL: dotted codes, ignored parameters removed
    deck = page.url_path == "briefing"
    if deck and not presenting:  # the deck is always full-screen; its link says so
        shell.set_state(replace(state, mode="briefing"))
        st.session_state["_pantau_notices"] = notices  # shown after the rerun
        st.rerun()
    notices = st.session_state.pop("_pantau_notices", []) + notices
    if presenting and briefing.presentation_chrome(state):
        plain = replace(state, mode=None, slide=1, advance=None)
        st.switch_page(pages[0] if deck else page, query_params=plain.to_params())
    if not deck:  # the deck prints the notice in every slide's footer
        shell.synthetic_notice(state)
    shell.show_notices(state, notices)
    if not presenting:
        if actor is not None:
            auth.account_box(actor, tr)
        shell.filter_bar(state)
    page.run()


main()
