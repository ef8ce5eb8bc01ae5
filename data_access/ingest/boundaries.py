"""``boundaries``: a boundary file (any format GDAL reads) checked with the geo package and copied
into the boundary folder (``PANTAU_GEO_DIR``), where the maps find it.

The file is first copied to a private staging folder and read exactly as the maps will read it
(``geo.discover_sources`` → ``geo.load_boundaries``, with its repair report): the levels it holds,
the features, what was repaired, and rows whose code is unusable. Rows with an unusable code are
problems like any other (``--allow-partial`` accepts the file anyway: the maps skip those rows).
Codes missing from the store's region list are reported but accepted, because boundary vintages
differ from the election's and the vintage join explains the difference. A Shapefile travels
with its sidecar files. Each file lands in the folder under its own name by temp file + rename,
after the audit row is committed; a file of the same name is replaced.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import polars as pl

from data_access.ingest import audit
from data_access.ingest.base import Context, Options, region_codes
from data_access.ingest.errors import IngestError, IngestRejected, IngestResult, problems_frame
from data_access.store import record_dataset, track_changes, writing
from pantau.settings import get_settings

_ROW = re.compile(r"row (\d+): (.*)$")
SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")


def source_files(path: Path) -> list[Path]:
    """The file, and for a Shapefile its sidecars (same stem)."""
    if path.suffix.lower() != ".shp":
        return [path]
    return sorted(p for p in path.parent.glob(path.stem + ".*") if p.suffix.lower() in SIDECARS)


def inspect(path: Path) -> tuple[dict[str, int], list[str], pl.DataFrame, list[str]]:
    """Read the file as the maps will: (features per level, codes, problems, repair summaries)."""
    import geo
    from geo.boundaries import BoundariesUnavailable, discover_sources

    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    with tempfile.TemporaryDirectory(prefix="pantau-boundaries-") as staging:
        for source in source_files(path):
            shutil.copyfile(source, Path(staging) / source.name)
        try:
            levels = discover_sources(Path(staging))
        except Exception as exc:  # any GDAL failure is a property of the file
            raise IngestError(f"{path.name}: cannot be read as a boundary file: {exc}") from exc
        if not levels:
            column = get_settings().geo_code_column
            raise IngestError(
                f"{path.name}: no region boundaries found. GDAL must be able to read it (GeoJSON, "
                f"GeoPackage, Shapefile, …) and it needs a '{column}' column of Kemendagri codes "
                "(set PANTAU_GEO_CODE_COLUMN if the codes are in another column)")
        counts: dict[str, int] = {}
        codes: list[str] = []
        problems: list[dict[str, object]] = []
        summaries: list[str] = []
        for level in levels:
            try:
                layer = geo.load_boundaries(level, Path(staging))
            except (BoundariesUnavailable, OSError, ValueError, RuntimeError) as exc:
                raise IngestError(f"{path.name}: cannot read its {level} boundaries: {exc}") from exc
            counts[level] = len(layer.frame)
            codes += layer.frame["code"].tolist()
            summaries.append(layer.report.summary())
            for entry in layer.report.invalid_codes:
                found = _ROW.search(entry)
                problems.append({"row": int(found.group(1)) if found else None, "column": "code",
                                 "value": None, "reason": found.group(2) if found else entry})
    unique = {(p["row"], p["reason"]): p for p in problems}  # a row is read once per level
    return counts, codes, problems_frame(list(unique.values())), summaries


def ingest_boundaries(path: Path, options: Options, sha: str, started: datetime,
                      url: str | None, say: Callable[[str], None]) -> IngestResult:
    """Validate and install a boundary file, with its audit row (see the pipeline)."""
    from data_access.ingest.pipeline import finish_boundaries

    counts, codes, problems, summaries = inspect(path)
    say("read " + ", ".join(f"{n:,} {level} features" for level, n in counts.items()))
    ctx = Context(path, options, notes=[f"levels: {', '.join(counts)}"])
    result = IngestResult("boundaries", path, sha, "rejected",
                          rows_read=sum(counts.values()) + problems.height)
    result.rows_rejected = problems.height
    target_dir = get_settings().geo_dir
    if (problems.height and not options.allow_partial) or not codes:
        finish_boundaries(path, problems, result, ctx, summaries)
        raise IngestRejected(result)
    staged = []
    try:
        with writing(url) as conn:
            ctx.conn = conn
            track_changes(conn)  # files and the audit row only: no rollup to refresh
            missing = sorted(set(codes) - set(region_codes(ctx).to_list()))
            if missing:
                ctx.notes.append(f"{len(missing):,} code(s) not in the store's region list (a "
                                 f"different vintage?): {', '.join(missing[:10])}"
                                 + (" …" if len(missing) > 10 else ""))
            target_dir.mkdir(parents=True, exist_ok=True)
            for source in source_files(path):
                temp = target_dir / f".{source.name}.{os.getpid()}.tmp"
                shutil.copyfile(source, temp)
                staged.append((temp, target_dir / source.name))
            result.status = "partial" if problems.height else "loaded"
            result.rows_accepted = len(codes)
            result.audit_id = audit.insert_audit(conn, "boundaries", result, started, ctx.notes)
            record_dataset(conn, f"ingest:boundaries:{path.name}", "boundaries", path.name,
                           synthetic=False, row_count=len(codes),
                           note=f"sha256 {sha}; audit {result.audit_id}")
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    for temp, target in staged:
        os.replace(temp, target)
    ctx.notes.append(f"installed in {target_dir}")
    finish_boundaries(path, problems, result, ctx, summaries)
    return result
