"""Loading files into the store (``pantau ingest <kind> <file>``), one module per kind of file.

Readers (:mod:`.readers`) take CSV and XLSX as people really have them; cells are parsed with
Indonesian conventions (:mod:`.fields`); headers are matched to canonical English names and their
Indonesian aliases (:mod:`.columns`); each kind checks its rows against each other and the store
and upserts them by natural key; :mod:`.pipeline` makes the whole load one all-or-nothing write
with its audit row (:mod:`.audit`). The formats are documented in ``docs/formats.md``.
"""

from __future__ import annotations

from pathlib import Path

from data_access.ingest import (
    polling_stations,
    regions,
    report_obligations,
    supervision_reports,
    supervisors,
    violations,
    voter_recap,
    voter_records,
)
from data_access.ingest.base import Kind, Options
from data_access.ingest.errors import IngestError, IngestRejected, IngestResult
from data_access.ingest.pipeline import Progress
from data_access.ingest.pipeline import ingest as _ingest

BOUNDARIES = Kind("boundaries", "A boundary file (any format GDAL reads), checked and copied into "
                  "the boundary folder.", ())

# In the order a fresh store is filled: each kind refers only to kinds above it.
KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    regions.KIND, polling_stations.KIND, supervisors.KIND, report_obligations.KIND,
    supervision_reports.KIND, violations.KIND, voter_recap.KIND, voter_records.KIND, BOUNDARIES,
)}


def ingest(kind: str, path: Path | str, options: Options | None = None, *, url: str | None = None,
           progress: Progress | None = None) -> IngestResult:
    """Load ``path`` as ``kind`` (one of :data:`KINDS`) into the store at ``url`` (default: the
    configured store). Raises IngestError (unusable file) or IngestRejected (rows failed)."""
    if kind not in KINDS:
        raise IngestError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return _ingest(KINDS[kind], Path(path), options, url=url, progress=progress)


__all__ = ["KINDS", "IngestError", "IngestRejected", "IngestResult", "Options", "ingest"]
