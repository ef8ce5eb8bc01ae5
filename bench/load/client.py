"""One dashboard visitor speaking Streamlit's own websocket protocol, as the browser does.

The browser's part of a page view is: open ``/_stcore/stream``, send a ``BackMsg.rerun_script``
with the URL's query string and the page, then receive ``ForwardMsg`` deltas until
``script_finished``. Changing a filter is another ``rerun_script`` carrying the widget's new value
(``widget_states``), and following a sidebar link is one carrying the target page's script hash.
This client does exactly that, with the protobuf classes shipped inside the installed streamlit,
and times each action from the message sent to the final ``script_finished`` (a run that ends
early because the app asked for a rerun is not finished: its successor is awaited).

What it leaves out: the browser's rendering, and fetching static files (served once and cached by
a real browser). It also never claims cached messages, so every delta is sent in full: if
anything, the server does more work than for a browser.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED_EARLY_FOR_RERUN = 2


class ActionFailed(RuntimeError):
    """The app answered an action with an exception element, or not at all."""


@dataclass
class Widget:
    id: str
    kind: str
    options: list[str]


@dataclass
class Session:
    """A visitor's connection: the current URL state and the widgets on the current page."""

    url: str
    timeout: float = 60.0
    query_string: str = ""
    page_hash: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # url path -> script hash
    widgets: dict[str, Widget] = field(default_factory=dict)  # widget key -> widget
    received_bytes: int = 0
    _ws: websockets.ClientConnection | None = None

    async def connect(self) -> None:
        self._ws = await websockets.connect(
            f"{self.url}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
            open_timeout=self.timeout, ping_interval=None)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def open_page(self, url_path: str, query_string: str = "") -> float:
        """A page load from a link: the page named by its URL path, with its query string."""
        self.query_string = query_string
        message = BackMsg()
        message.rerun_script.query_string = query_string
        if url_path in self.pages:
            message.rerun_script.page_script_hash = self.pages[url_path]
        message.rerun_script.page_name = url_path
        elapsed = await self._run(message)
        if url_path in self.pages and self.pages[url_path] != self.page_hash:
            raise ActionFailed(f"asked for page {url_path!r}, the app ran another")
        return elapsed

    async def change_widget(self, key: str, rng: random.Random) -> float:
        """Pick another option of a selectbox, as a click in the browser would."""
        widget = self.widgets[key]
        message = BackMsg()
        message.rerun_script.query_string = self.query_string
        message.rerun_script.page_script_hash = self.page_hash
        state = message.rerun_script.widget_states.widgets.add()
        state.id = widget.id
        state.string_value = rng.choice(widget.options)
        return await self._run(message)

    def widget_keys(self, prefix: str) -> list[str]:
        return [key for key in self.widgets if key.startswith(prefix)]

    async def _run(self, message: BackMsg) -> float:
        assert self._ws is not None
        self.widgets = {}
        started = time.perf_counter()
        await self._ws.send(message.SerializeToString())
        deadline = started + self.timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise ActionFailed(f"no script_finished within {self.timeout:.0f} s")
            raw = await _recv(self._ws, remaining)
            self.received_bytes += len(raw)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "delta":
                self._read_delta(forward)
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash
                              for p in forward.navigation.app_pages}
                self.page_hash = forward.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = forward.page_info_changed.query_string
            elif kind == "script_finished":
                if forward.script_finished == FINISHED_EARLY_FOR_RERUN:
                    self.widgets = {}
                    continue
                return time.perf_counter() - started

    def _read_delta(self, forward: ForwardMsg) -> None:
        delta = forward.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            raise ActionFailed(f"the app raised: {element.exception.message[:200]}")
        if kind == "selectbox" and "-" in element.selectbox.id:
            key = element.selectbox.id.rsplit("-", 1)[-1]
            self.widgets[key] = Widget(element.selectbox.id, kind,
                                       list(element.selectbox.options))


async def _recv(ws: websockets.ClientConnection, timeout: float) -> bytes:
    import asyncio

    try:
        return await asyncio.wait_for(ws.recv(), timeout)
    except TimeoutError as exc:
        raise ActionFailed("timed out waiting for the server") from exc
