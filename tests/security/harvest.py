"""Everything a page run puts in front of a visitor, as text: every element of the AppTest tree
(markdown, captions, metrics, table and chart data, plotly and folium specs, widget options),
every file the run hands to the browser (download buttons, images), and the URL's parameters.

The element tree is read from the protobuf messages Streamlit would send to the browser, not from
AppTest's typed accessors, so an element type nobody thought of is read too. Inside them, JSON
strings (plotly figures, component arguments such as folium's map HTML) are decoded and Arrow
tables (dataframes, chart data) are read back into their cell values, so a NIK stored as a number
or escaped inside JSON is seen as the visitor's browser would see it.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyarrow as pa
from google.protobuf.message import Message
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif value is not None:
        yield str(value)


def _expand(text: str) -> Iterator[str]:
    """The text itself and, when it is JSON, every key and value inside it."""
    yield text
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            decoded = json.loads(text)
        except ValueError:
            return
        for inner in _json_strings(decoded):
            if inner != text:
                yield from _expand(inner)


def arrow_text(data: bytes) -> str | None:
    """The column names and cell values of an Arrow IPC stream, or None if it is not one."""
    try:
        table = pa.ipc.open_stream(pa.py_buffer(data)).read_all()
    except (pa.ArrowException, OSError, ValueError):
        return None
    cells = [str(v) for column in table.columns for v in column.to_pylist()]
    return "\n".join([*table.schema.names, *cells])


def proto_texts(message: Message) -> Iterator[str]:
    """Every string of a protobuf message, JSON decoded and Arrow tables read, recursively."""
    for descriptor, value in message.ListFields():
        values = value if descriptor.is_repeated else [value]
        for item in values:
            if isinstance(item, Message):
                yield from proto_texts(item)
            elif isinstance(item, str):
                yield from _expand(item)
            elif isinstance(item, bytes):
                decoded = arrow_text(item)
                yield decoded if decoded is not None else item.decode("utf-8", "replace")
            elif isinstance(item, int | float) and not isinstance(item, bool):
                yield str(item)


def tree_texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(element type, text) for every element and block of the last run, sidebar included."""
    for node in at._tree:  # the whole tree; the typed accessors cover known types only
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            for text in proto_texts(proto):
                yield node.type, text


def file_text(name: str, mimetype: str, data: bytes) -> str:
    """A served file as the text a reader of it would see: an XLSX's XML parts unzipped."""
    if data[:2] == b"PK":  # XLSX (and any zip): search the XML inside, not the compressed bytes
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(member).decode("utf-8", "replace")
                             for member in archive.namelist())
    return data.decode("utf-8", "replace")


@dataclass
class Served:
    """Files registered with Streamlit's media manager while a block of code ran: what a
    browser can fetch (download buttons, images), and deferred downloads (made on click)."""

    files: list[tuple[str, str, bytes]] = field(default_factory=list)
    deferred: list[tuple[str, Callable[[], object]]] = field(default_factory=list)


@contextmanager
def serving() -> Iterator[Served]:
    """Record every file the app hands to the media manager (AppTest throws it away per run)."""
    served = Served()
    load = MemoryMediaFileStorage.load_and_get_id
    add_deferred = MediaFileManager.add_deferred

    def recording_load(self, path_or_data, mimetype, kind, filename=None):
        data = path_or_data if isinstance(path_or_data, bytes) else self._read_file(path_or_data)
        served.files.append((filename or "", mimetype, data))
        return load(self, path_or_data, mimetype, kind, filename)

    def recording_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        served.deferred.append((file_name or "", data_callable))
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kw)

    MemoryMediaFileStorage.load_and_get_id = recording_load
    MediaFileManager.add_deferred = recording_deferred
    try:
        yield served
    finally:
        MemoryMediaFileStorage.load_and_get_id = load
        MediaFileManager.add_deferred = add_deferred


def run_texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(where, text): the element tree and the URL's query parameters after a run."""
    yield from tree_texts(at)
    yield "query_params", json.dumps(at.query_params, ensure_ascii=False)


def log_text(records: list[logging.LogRecord]) -> str:
    """Every log record's message, arguments filled in, with any exception text."""
    return "\n".join(f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}"
                     for r in records)
