"""Opening the dashboard's pages in AppTest the way a visitor opens a link: the app entry with the
link's query parameters, then the page itself with the same parameters."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "dashboard" / "app.py"
# url_path → script, relative to the app entry (AppTest.switch_page's root). The privacy and
# hostile-input tests render every one of them; test_every_registered_page_is_covered fails when
# dashboard/app.py registers a page this table does not know.
PAGES = {
    "": "../pages/overview.py",  # the default page (url_path "ringkasan")
    "profil-wilayah": "../pages/region_profile.py",
    "pelanggaran": "../pages/violations.py",
    "kepatuhan-pelaporan": "../pages/compliance.py",
    "anomali-daftar-pemilih": "../pages/voter_anomalies.py",
    "briefing": "../pages/briefing.py",
    "tentang-data": "../pages/about.py",
}
TIMEOUT = 120

Params = Mapping[str, str | bytes | list[str | bytes]]


def new_session(params: Params) -> AppTest:
    """A new visitor session on the default page, opened with ``params``."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    set_params(at, params)
    return at.run()


def set_params(at: AppTest, params: Params) -> None:
    at.query_params.clear()
    for key, value in params.items():
        at.query_params[key] = value


def open_page(at: AppTest, url_path: str, params: Params) -> AppTest:
    """Go to the page at ``url_path`` in this session, as if its link carried ``params``."""
    at.switch_page(PAGES[url_path])
    set_params(at, params)
    return at.run()


def registered_pages(at: AppTest) -> dict[str, str]:
    """url_path → script of every page ``st.navigation`` registered in the last run.

    AppTest keeps the navigation's registry in a private attribute (there is no public one in
    Streamlit 1.67); it is read here only to check that the tables above cover every page."""
    return {info["url_pathname"]: str(Path(info["script_path"]).resolve())
            for info in at._registered_pages.values()}


def page_titles(at: AppTest) -> dict[str, str]:
    """url_path → the title of each page's navigation entry (each page's st.title matches)."""
    return {info["url_pathname"]: info["page_name"] for info in at._registered_pages.values()}


def script_of(url_path: str) -> str:
    return str((APP.parent / PAGES[url_path]).resolve())
