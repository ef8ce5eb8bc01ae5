"""Maps that render with no internet: Leaflet from the app's own static files, no tile server.

folium's page template loads Leaflet, jQuery, Bootstrap and Font Awesome from public CDNs.
``streamlit-folium`` does not bundle Leaflet either: its component strips the ``<script src>`` and
``<link>`` tags from folium's header and loads every element's ``default_js``/``default_css`` URL
itself. So the one lever that works for both the component and a saved HTML file is those two
lists: the map's are replaced by the vendored Leaflet under ``dashboard/static/leaflet`` (served by
Streamlit at ``/app/static/leaflet`` with ``enableStaticServing``), and nothing else that needs a
library is added to the map. jQuery/Bootstrap are only used by folium features we do not use.
"""

from __future__ import annotations

import re
from pathlib import Path

import folium
from branca.element import Element

from pantau.settings import REPO_ROOT, get_settings

LEAFLET_DIR = REPO_ROOT / "dashboard" / "static" / "leaflet"
_URL = re.compile(r"""https?://[^\s"'<>()]+|(?<=["'])//[^\s"'<>()]+""")


def use_local_assets(m: folium.Map, assets_url: str | None = None) -> None:
    """Point the map at the self-hosted Leaflet and refuse any other external library."""
    base = (assets_url or get_settings().map_assets_url).rstrip("/")
    m.default_js = [("leaflet", f"{base}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{base}/leaflet.css")]
    for child in _walk(m):
        for _, url in [*getattr(child, "default_js", []), *getattr(child, "default_css", [])]:
            if child is not m and url.startswith(("http:", "https:", "//")):
                raise ValueError(f"{type(child).__name__} loads {url}; maps must work offline")


def _walk(element: Element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def external_urls(html: str) -> list[str]:
    """Every absolute or protocol-relative URL in rendered map HTML (should be none)."""
    return _URL.findall(html)


def standalone_html(m: folium.Map) -> str:
    """The map as one self-contained HTML file with Leaflet inlined, for download or export."""
    html = m.get_root().render()
    js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    html = re.sub(r'<script src="[^"]*/leaflet\.js"></script>',
                  lambda _: f"<script>{js}</script>", html)
    return re.sub(r'<link rel="stylesheet" href="[^"]*/leaflet\.css"/>',
                  lambda _: f"<style>{css}</style>", html)


def leaflet_files() -> list[Path]:
    """The vendored files the app must serve (checked by the tests)."""
    return [LEAFLET_DIR / "leaflet.js", LEAFLET_DIR / "leaflet.css"]
