"""The dashboard's entry points: a display-ready layer for a level under a parent, and the same
layer keyed by the election's codes. Disk-cached (see generalize) and memoised in-process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import polars as pl

from data_access.codes import LEVELS, Level, level_of, normalize
from geo.boundaries import BOUNDARY_LEVELS, boundary_names, folder_fingerprint
from geo.generalize import generalized_layer, scale_for
from geo.join import JoinResult, join_regions
from pantau.settings import get_settings


@lru_cache(maxsize=128)
def _layer(level: Level, parent_code: str | None, folder: Path, cache_dir: Path,
           fingerprint: tuple) -> gpd.GeoDataFrame:
    scale = scale_for(parent_code)
    province = None if parent_code is None else parent_code[:2]
    frame = generalized_layer(level, scale, province, folder, cache_dir)
    if parent_code is not None:
        frame = frame[frame["code"].str.startswith(parent_code + ".")]
    return frame.reset_index(drop=True)


def display_layer(level: Level, parent_code: str | None = None, *, folder: Path | None = None,
                  cache_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Generalised regions of ``level`` under ``parent_code`` (None: the whole country).

    Columns code, name, level, geometry (EPSG:4326), keyed by the boundary files' codes. Raises
    ``BoundariesUnavailable`` when the folder has no file for ``level``. The level may be more
    than one step below the parent (kecamatan of a province). Villages are points.
    """
    if level not in BOUNDARY_LEVELS:
        raise ValueError(f"no boundaries for level {level!r}")
    if parent_code is not None:
        parent_code = normalize(parent_code)
        if LEVELS.index(level_of(parent_code)) >= LEVELS.index(level):
            raise ValueError(f"{level} regions are not below {parent_code}")
    settings = get_settings()
    folder = Path(folder or settings.geo_dir)
    cache_dir = Path(cache_dir or settings.geo_cache_dir)
    return _layer(level, parent_code, folder, cache_dir, folder_fingerprint(folder)).copy()


@lru_cache(maxsize=4)
def _village_names(folder: Path, fingerprint: tuple) -> pl.DataFrame | None:
    return boundary_names("village", folder)


def election_layer(level: Level, parent_code: str | None, regions: pl.DataFrame, *,
                   folder: Path | None = None, cache_dir: Path | None = None) -> JoinResult:
    """:func:`display_layer` joined to the election's regions (``code``, ``name``, ``level``).

    If polygons are left without an election region and ``regions`` carries villages, the
    boundary vintage's village names are read to merge split kecamatan back (see geo.join).
    """
    boundaries = display_layer(level, parent_code, folder=folder, cache_dir=cache_dir)
    result = join_regions(boundaries, regions, parent_code=parent_code)
    if result.report.boundary_without_election and "village" in set(regions["level"]):
        folder = Path(folder or get_settings().geo_dir)
        villages = _village_names(folder, folder_fingerprint(folder))
        if villages is not None:
            result = join_regions(boundaries, regions, parent_code=parent_code,
                                  boundary_villages=villages)
    return result
