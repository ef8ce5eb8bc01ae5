"""Read administrative boundaries from an operator-supplied folder, in any format GDAL reads.

The folder (``PANTAU_GEO_DIR``, default ``../shared/geo``) may hold the default files
(``provinces.geojson``, ``regencies.geojson``, ``districts.geojson``, ``village_centroids.csv``)
or official files under any name (BIG, geoBoundaries, … as GeoPackage, Shapefile, GeoJSON, a
zipped Shapefile, …): a file whose name is not a default one is opened and its code column read to
see which levels it holds, so one file may also carry several levels. Codes are normalised to the
dotted Kemendagri form. Villages usually come as points (centroids), which are kept as points.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import polars as pl
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyogrio.raw import read as ogr_read
from pyproj import CRS

from data_access.codes import InvalidRegionCode, Level, level_of, normalize
from geo.repair import RepairMethod, RepairReport, parse_wkb, repair_polygons
from pantau.settings import get_settings

POLYGON_LEVELS: tuple[Level, ...] = ("province", "regency", "district")
BOUNDARY_LEVELS: tuple[Level, ...] = (*POLYGON_LEVELS, "village")
DEFAULT_STEMS: dict[str, Level] = {
    "provinces": "province",
    "regencies": "regency",
    "districts": "district",
    "villages": "village",
    "village_centroids": "village",
}
# Sidecar and documentation files GDAL would otherwise open as tables or duplicate layers.
_SKIP_SUFFIXES = {".dbf", ".shx", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".xml", ".md", ".txt"}
# Point tables (``code,name,lat,lng``) are read by GDAL's CSV driver with these open options.
_CSV_POINTS = {"X_POSSIBLE_NAMES": "lng,lon,long,longitude,x", "Y_POSSIBLE_NAMES": "lat,latitude,y",
               "KEEP_GEOM_COLUMNS": "NO"}


class BoundariesUnavailable(RuntimeError):
    """No boundary file for a level: the app keeps running and shows this message, not a map."""


@dataclass(frozen=True)
class BoundarySource:
    """One file, and its layer when the file has several (a GeoPackage, say)."""

    path: Path
    layer: str | None = None


class LoadedLayer(NamedTuple):
    frame: gpd.GeoDataFrame
    report: RepairReport


def _columns(code_column: str | None, name_column: str | None) -> tuple[str, str]:
    settings = get_settings()
    return code_column or settings.geo_code_column, name_column or settings.geo_name_column


@contextmanager
def _unclosed_rings_expected():
    """GDAL warns about each unclosed ring; parse_wkb closes and counts them instead."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Non closed ring")
        yield


def _open_options(path: Path) -> dict[str, str]:
    return _CSV_POINTS if path.suffix.lower() == ".csv" else {}


def _candidate_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [
        p for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".") and p.suffix
        and p.suffix.lower() not in _SKIP_SUFFIXES
    ]


def folder_fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and mtimes: enough to notice a replaced file without reading it."""
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in _candidate_files(folder))


def _levels_in(path: Path, layer: str | None, code_column: str) -> set[Level]:
    """Open an unknown file and read only its code column to see which levels it holds."""
    try:
        info = pyogrio.read_info(path, layer=layer, **_open_options(path))
        if info.get("geometry_type") is None or code_column not in list(info["fields"]):
            return set()
        with _unclosed_rings_expected():
            table = pyogrio.read_dataframe(path, layer=layer, columns=[code_column],
                                           read_geometry=False, **_open_options(path))
    except (DataSourceError, DataLayerError):
        return set()
    levels: set[Level] = set()
    for value in table[code_column].dropna().unique():
        try:
            levels.add(level_of(_code_text(value)))
        except InvalidRegionCode:
            continue
    return levels & set(BOUNDARY_LEVELS)


@lru_cache(maxsize=16)
def _discover(folder: Path, code_column: str, fingerprint: tuple
              ) -> dict[Level, tuple[BoundarySource, ...]]:
    found: dict[Level, list[BoundarySource]] = {}
    for path in _candidate_files(folder):
        if path.stem.lower() in DEFAULT_STEMS:
            found.setdefault(DEFAULT_STEMS[path.stem.lower()], []).append(BoundarySource(path))
            continue
        try:
            layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        except (DataSourceError, OSError):
            continue
        for layer in layers:
            for level in _levels_in(path, layer if len(layers) > 1 else None, code_column):
                found.setdefault(level, []).append(
                    BoundarySource(path, layer if len(layers) > 1 else None))
    return {level: tuple(sources) for level, sources in found.items()}


def discover_sources(folder: Path | None = None, code_column: str | None = None
                     ) -> dict[Level, tuple[BoundarySource, ...]]:
    """Which files hold which level, by default file name or else by the codes inside."""
    folder = Path(folder or get_settings().geo_dir)
    code_column, _ = _columns(code_column, None)
    return _discover(folder, code_column, folder_fingerprint(folder))


def sources_for(level: Level, folder: Path | None = None, code_column: str | None = None,
                sources: Mapping[Level, Path | BoundarySource] | None = None
                ) -> tuple[BoundarySource, ...]:
    """The sources of one level, or BoundariesUnavailable saying how to provide them."""
    if sources is not None and level in sources:
        given = sources[level]
        return (given if isinstance(given, BoundarySource) else BoundarySource(Path(given)),)
    folder = Path(folder or get_settings().geo_dir)
    found = discover_sources(folder, code_column).get(level, ())
    if not found:
        column, _ = _columns(code_column, None)
        raise BoundariesUnavailable(
            f"No {level} boundaries in {folder}. Put a boundary file there (GeoJSON, GeoPackage, "
            f"Shapefile or any format GDAL reads) with a '{column}' column of Kemendagri codes "
            f"(e.g. 'provinces.geojson'), or point PANTAU_GEO_DIR at a folder that has one; set "
            f"PANTAU_GEO_CODE_COLUMN if the codes are in another column."
        )
    return found


def _code_text(value: object) -> str:
    """Codes read as numbers (6409.0) come back as text without the float tail."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def load_boundaries(
    level: Level,
    folder: Path | None = None,
    *,
    sources: Mapping[Level, Path | BoundarySource] | None = None,
    code_column: str | None = None,
    name_column: str | None = None,
    repair_method: RepairMethod = "structure",
) -> LoadedLayer:
    """All regions of ``level`` with valid geometry (EPSG:4326), and what was repaired.

    Columns: ``code`` (dotted), ``name``, ``level``, ``geometry``. Polygon levels are repaired;
    the village level is points. No region is dropped: unreadable or empty geometry stays as an
    empty geometry and is listed in the report; rows whose code is unusable are listed too.
    """
    code_column, name_column = _columns(code_column, name_column)
    report = RepairReport(level=level)
    codes: list[str] = []
    names: list[str] = []
    geoms: list[np.ndarray] = []
    for source in sources_for(level, folder, code_column, sources):
        report.sources.append(source.path.name + (f":{source.layer}" if source.layer else ""))
        part_codes, part_names, part_geoms = _read_source(source, level, code_column, name_column,
                                                          report)
        codes += part_codes
        names += part_names
        geoms.append(part_geoms)
    geometry = np.concatenate(geoms) if geoms else np.array([], dtype=object)
    report.features = len(codes)
    if level in POLYGON_LEVELS:
        geometry = repair_polygons(codes, geometry, report, repair_method)
    empty = shapely.Polygon() if level in POLYGON_LEVELS else shapely.Point()
    geometry = np.array([empty if g is None else g for g in geometry], dtype=object)
    frame = gpd.GeoDataFrame({"code": codes, "name": names, "level": level},
                             geometry=geometry, crs="EPSG:4326")
    return LoadedLayer(_merge_duplicates(frame, report), report)


def _read_source(source: BoundarySource, level: Level, code_column: str, name_column: str,
                 report: RepairReport) -> tuple[list[str], list[str], np.ndarray]:
    with _unclosed_rings_expected():
        meta, _, wkb, fields = ogr_read(source.path, layer=source.layer, force_2d=True,
                                        **_open_options(source.path))
    columns = list(meta["fields"])
    if code_column not in columns:
        raise BoundariesUnavailable(
            f"{source.path} has no '{code_column}' column (columns: {', '.join(columns)}); "
            f"set PANTAU_GEO_CODE_COLUMN to the column that holds the region codes."
        )
    raw_codes = fields[columns.index(code_column)]
    raw_names = fields[columns.index(name_column)] if name_column in columns else raw_codes
    geoms, rings_closed, unreadable = parse_wkb(wkb)
    keep = np.zeros(len(raw_codes), dtype=bool)
    codes: list[str] = []
    for row, value in enumerate(raw_codes):
        try:
            code = normalize(_code_text(value))
        except InvalidRegionCode as error:
            report.invalid_codes.append(f"{source.path.name} row {row + 1}: {error}")
            continue
        if level_of(code) == level:
            keep[row] = True
            codes.append(code)
    for code, closed, bad in zip(codes, rings_closed[keep], unreadable[keep], strict=True):
        if closed:
            report.rings_closed[code] = report.rings_closed.get(code, 0) + int(closed)
        if bad:
            report.unreadable_geometry.append(code)
    names = [str(n) if n is not None else c for n, c in zip(raw_names[keep], codes, strict=True)]
    geoms = geoms[keep]
    crs = meta.get("crs")  # None: assume WGS 84, as GeoJSON and KPU/BIG CSVs are
    if crs and len(geoms) and not CRS(crs).equals(CRS.from_epsg(4326), ignore_axis_order=True):
        report.reprojected_from = crs
        geoms = gpd.GeoSeries(geoms, crs=crs).to_crs("EPSG:4326").values
    return codes, names, np.asarray(geoms, dtype=object)


def _merge_duplicates(frame: gpd.GeoDataFrame, report: RepairReport) -> gpd.GeoDataFrame:
    """One row per code: files that store each island as its own row get their parts unioned."""
    duplicated = frame["code"].duplicated(keep=False)
    if duplicated.any():
        report.duplicates_merged += sorted(frame.loc[duplicated, "code"].unique())
        merged = frame[duplicated].dissolve(by="code", aggfunc="first", as_index=False)
        frame = pd.concat([frame[~duplicated], merged[frame.columns]], ignore_index=True)
    return frame.sort_values("code", ignore_index=True)


def boundary_names(level: Level, folder: Path | None = None, code_column: str | None = None,
                   name_column: str | None = None) -> pl.DataFrame | None:
    """Codes (dotted) and names of one level, without geometry (fast), or None if absent.

    The vintage join uses the village names as evidence of which old kecamatan a new one was
    split from; the bench uses the kecamatan codes to find the largest province.
    """
    code_column, name_column = _columns(code_column, name_column)
    try:
        found = sources_for(level, folder, code_column)
    except BoundariesUnavailable:
        return None
    codes: list[str] = []
    names: list[str] = []
    for source in found:
        with _unclosed_rings_expected():
            table = pyogrio.read_dataframe(source.path, layer=source.layer, read_geometry=False,
                                           **_open_options(source.path))
        raw_names = table[name_column] if name_column in table else table[code_column]
        for value, name in zip(table[code_column], raw_names, strict=True):
            try:
                code = normalize(_code_text(value))
            except InvalidRegionCode:
                continue
            if level_of(code) == level:
                codes.append(code)
                names.append(str(name))
    return pl.DataFrame({"code": codes, "name": names})


def file_digest_parts(source: BoundarySource) -> list[Path]:
    """The files whose bytes define a source (a Shapefile is several files)."""
    if source.path.suffix.lower() == ".shp":
        return sorted(source.path.parent.glob(source.path.stem + ".*"))
    return [source.path]
