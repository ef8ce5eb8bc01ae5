"""Generalise boundaries for display, once, and keep the result on disk.

The shared files carry ~160,000 vertices for the regencies, most in thousands of islets; sent as
is, a national map takes seconds to draw. Per level and display scale we:

1. drop parts smaller than ``min_part_area`` (degrees²) but always keep each region's largest
   part, so every region stays on the map however small;
2. clean the coverage (``shapely.coverage_clean``): neighbours overlap and leave slivers in the
   source; gaps narrower than ``gap_width`` go to a neighbour and overlaps to the *smaller*
   polygon. In the shared files the kecamatan created in 2025 still lie inside their old
   parent's polygon (Toili Jaya is 99% inside Toili); giving overlaps to the longest border, as
   GEOS does by default, shrank Toili Jaya to 1% of its area. Then
3. ``shapely.coverage_simplify`` can simplify each shared edge once, keeping neighbours
   edge-matched (no slivers or overlaps appear between regions);
4. round coordinates to ``decimals`` (3 ≈ 110 m, finer than a pixel at national zoom).

Both the repaired layer and each generalised one are cached under ``settings.geo_cache_dir``, keyed
by the SHA-256 of the source files' bytes and the parameters, so replacing a boundary file
invalidates them and nothing else does.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import shapely

from data_access.codes import Level, level_of
from geo.boundaries import LoadedLayer, file_digest_parts, load_boundaries, sources_for
from geo.repair import RepairReport, polygonal_part
from pantau.settings import get_settings

log = logging.getLogger(__name__)

Scale = Literal["national", "province", "regency"]
CACHE_VERSION = 3  # bump when the algorithm changes so old cache files are not reused


@dataclass(frozen=True)
class Profile:
    """How much detail a layer keeps at one display scale (units: degrees, ~111 km)."""

    tolerance: float
    min_part_area: float
    gap_width: float
    decimals: int


# Tuned on the shared files against the payload budgets (bench/map_payload.py): national maps
# at ~z5 (5 km a pixel), province maps at ~z8 (600 m), regency maps at ~z10 (150 m).
PROFILES: dict[Scale, Profile] = {
    "national": Profile(tolerance=0.04, min_part_area=0.002, gap_width=0.01, decimals=3),
    "province": Profile(tolerance=0.01, min_part_area=2e-4, gap_width=0.003, decimals=3),
    "regency": Profile(tolerance=0.002, min_part_area=2e-5, gap_width=0.001, decimals=4),
}
# Filling gaps is the slow part of cleaning (~20 s for all 7,285 kecamatan at once); on a national
# map kecamatan are too small for gaps to show, so that one combination skips it.
_OVERRIDES: dict[tuple[Level, Scale], Profile] = {
    ("district", "national"): Profile(tolerance=0.04, min_part_area=0.002, gap_width=0.0,
                                      decimals=3),
}
POINT_DECIMALS = 4
_POLYGON_TYPES = [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON]


def profile_for(level: Level, scale: Scale) -> Profile:
    return _OVERRIDES.get((level, scale), PROFILES[scale])


def scale_for(parent_code: str | None) -> Scale:
    """The display scale of a map of ``parent_code``'s descendants (None: the whole country)."""
    if parent_code is None:
        return "national"
    return "province" if level_of(parent_code) == "province" else "regency"


@dataclass
class GeneralizeStats:
    regions: int = 0
    vertices_in: int = 0
    vertices_out: int = 0
    parts_in: int = 0
    parts_out: int = 0
    restored_after_clean: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _drop_small_parts(geoms: np.ndarray, min_area: float) -> np.ndarray:
    """Keep parts of at least ``min_area`` plus each geometry's largest part."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    areas = shapely.area(parts)
    order = np.lexsort((-areas, index))  # by geometry, largest part first
    first = np.ones(len(order), dtype=bool)
    first[1:] = index[order][1:] != index[order][:-1]
    keep = areas >= min_area
    keep[order[first]] = True
    return shapely.multipolygons(parts[keep], indices=index[keep])


def _round(geoms: np.ndarray, decimals: int) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


def _single_parts_as_polygons(geoms: np.ndarray) -> np.ndarray:
    single = shapely.get_num_geometries(geoms) == 1
    out = geoms.copy()
    out[single] = shapely.get_geometry(geoms[single], 0)
    return out


def generalize(frame: gpd.GeoDataFrame, profile: Profile
               ) -> tuple[gpd.GeoDataFrame, GeneralizeStats]:
    """A display copy of ``frame`` with the same rows; empty input geometry stays empty."""
    started = time.perf_counter()
    geoms = np.asarray(frame.geometry.array, dtype=object)
    stats = GeneralizeStats(regions=len(frame),
                            vertices_in=int(shapely.get_num_coordinates(geoms).sum()),
                            parts_in=int(shapely.get_num_geometries(geoms).sum()))
    out = geoms.copy()
    polygonal = ~shapely.is_empty(geoms) & np.isin(shapely.get_type_id(geoms), _POLYGON_TYPES)
    if polygonal.any():
        kept = _drop_small_parts(geoms[polygonal], profile.min_part_area)
        # GEOS raises a floating-point "invalid" flag in some cleanings (Jawa Barat at regency
        # scale); the output is fine, and checked right below.
        with np.errstate(invalid="ignore"):
            clean = shapely.coverage_clean(kept, gap_width=profile.gap_width,
                                           merge_strategy="min_area")
        lost = shapely.is_missing(clean) | shapely.is_empty(clean)
        if lost.any():  # cleaning gave a whole region to its neighbours: keep it uncleaned
            clean[lost] = kept[lost]
            codes = frame["code"].to_numpy()[polygonal]
            stats.restored_after_clean = [str(c) for c in codes[lost]]
        simple = shapely.coverage_simplify(clean, profile.tolerance)
        rounded = _round(simple, profile.decimals)
        # Rounding can make a ring touch itself; repair those few so that callers may union or
        # measure the result. A region that would vanish keeps its unsimplified shape instead.
        bad = ~shapely.is_valid(rounded)
        rounded[bad] = [polygonal_part(g) for g in shapely.make_valid(
            rounded[bad], method="structure", keep_collapsed=False)]
        gone = shapely.is_empty(rounded) | (shapely.area(rounded) <= 0)
        rounded[gone] = kept[gone]
        out[polygonal] = _single_parts_as_polygons(rounded)
    points = ~shapely.is_empty(geoms) & (shapely.get_type_id(geoms) == shapely.GeometryType.POINT)
    out[points] = _round(geoms[points], POINT_DECIMALS)
    stats.vertices_out = int(shapely.get_num_coordinates(out).sum())
    stats.parts_out = int(shapely.get_num_geometries(out).sum())
    stats.seconds = time.perf_counter() - started
    result = frame.copy()
    result.geometry = gpd.GeoSeries(out, index=frame.index, crs=frame.crs)
    return result, stats


@lru_cache(maxsize=64)
def _file_sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cache_file(stage: str, level: Level, folder: Path | None, cache_dir: Path | None,
                **params: object) -> Path:
    """A cache path whose name changes whenever a source file's bytes or a parameter do."""
    settings = get_settings()
    files = []
    for source in sources_for(level, folder):
        for part in file_digest_parts(source):
            stat = part.stat()
            files.append([part.name, source.layer,
                          _file_sha256(part, stat.st_size, stat.st_mtime_ns)])
    spec = {"version": CACHE_VERSION, "stage": stage, "level": level, "files": files,
            "columns": [settings.geo_code_column, settings.geo_name_column], **params}
    key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    name = "-".join([stage, level, *(str(v) for v in params.values() if isinstance(v, str))])
    return Path(cache_dir or settings.geo_cache_dir) / f"{name}-{key[:24]}.parquet"


def _write(frame: gpd.GeoDataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    frame.to_parquet(partial)
    os.replace(partial, path)  # atomic: a concurrent reader sees the old file or the new one


def repaired_layer(level: Level, folder: Path | None = None, cache_dir: Path | None = None
                   ) -> LoadedLayer:
    """:func:`load_boundaries` with its result and report cached (reading + repair take ~2 s)."""
    path = _cache_file("repaired", level, folder, cache_dir, method="structure")
    report_path = path.with_suffix(".report.json")
    if path.exists() and report_path.exists():
        report = RepairReport(**json.loads(report_path.read_text(encoding="utf-8")))
        return LoadedLayer(gpd.read_parquet(path), report)
    loaded = load_boundaries(level, folder)
    _write(loaded.frame, path)
    partial = report_path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(asdict(loaded.report)), encoding="utf-8")
    os.replace(partial, report_path)  # two test runs at once never read half a report
    if any(n for k, n in loaded.report.counts().items() if k != "features"):
        log.info("boundary repairs\n%s", loaded.report.summary())
    return loaded


def cache_file_for(level: Level, scale: Scale, province: str | None = None,
                   folder: Path | None = None, cache_dir: Path | None = None) -> Path:
    """The cache file of one generalised layer (it need not exist yet)."""
    if (scale == "national") != (province is None):
        raise ValueError("national scale takes no province; other scales need one")
    return _cache_file("display", level, folder, cache_dir, scale=scale,
                       province=province or "all", profile=asdict(profile_for(level, scale)))


def generalized_layer(level: Level, scale: Scale, province: str | None = None,
                      folder: Path | None = None, cache_dir: Path | None = None
                      ) -> gpd.GeoDataFrame:
    """``level`` generalised for ``scale``, from the disk cache when present.

    National maps are generalised for the whole country at once so that edges between provinces
    stay matched; province and regency maps only ever show one province, so they are generalised
    (and cached) one ``province`` at a time, which keeps a first view to about a second.
    """
    path = cache_file_for(level, scale, province, folder, cache_dir)
    if path.exists():
        return gpd.read_parquet(path)
    frame = repaired_layer(level, folder, cache_dir).frame
    if province is not None:
        frame = frame[frame["code"].str.startswith(province + ".")].reset_index(drop=True)
    frame, stats = generalize(frame, profile_for(level, scale))
    log.info("generalised %s/%s/%s: %s", level, scale, province or "all", stats)
    _write(frame, path)
    return frame
