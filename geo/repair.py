"""Geometry repair for boundary files as they come in the real world, with a report of every fix.

Official and community boundary files are rarely clean: self-intersecting rings, rings that are
not closed, "holes" that lie outside their shell (really islands), overlapping parts. A map that
silently drops a region misleads, so every repair here is counted per region code and a region is
never removed: if nothing polygonal survives, the row stays with an empty geometry and is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

RepairMethod = Literal["structure", "linework"]
_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


@dataclass
class RepairReport:
    """What the importer did to one level's geometries, region by region (codes are canonical)."""

    level: str
    sources: list[str] = field(default_factory=list)
    features: int = 0
    invalid_repaired: list[str] = field(default_factory=list)
    rings_closed: dict[str, int] = field(default_factory=dict)
    collections_reduced: list[str] = field(default_factory=list)
    empty_after_repair: list[str] = field(default_factory=list)
    unreadable_geometry: list[str] = field(default_factory=list)
    duplicates_merged: list[str] = field(default_factory=list)
    invalid_codes: list[str] = field(default_factory=list)
    reprojected_from: str | None = None

    def counts(self) -> dict[str, int]:
        """The headline numbers (ring count, not region count, for closed rings)."""
        return {
            "features": self.features,
            "invalid_repaired": len(self.invalid_repaired),
            "rings_closed": sum(self.rings_closed.values()),
            "collections_reduced": len(self.collections_reduced),
            "empty_after_repair": len(self.empty_after_repair),
            "unreadable_geometry": len(self.unreadable_geometry),
            "duplicates_merged": len(self.duplicates_merged),
            "invalid_codes": len(self.invalid_codes),
        }

    def summary(self) -> str:
        """One line per kind of repair, with the codes, for the logs and the About page."""
        lines = [f"{self.level}: {self.features} features from {', '.join(self.sources)}"]
        listed = {
            "invalid geometry repaired": self.invalid_repaired,
            "rings closed": [f"{c} ({n})" for c, n in sorted(self.rings_closed.items())],
            "collections reduced to polygons": self.collections_reduced,
            "empty after repair (kept, not drawn)": self.empty_after_repair,
            "unreadable geometry (kept, not drawn)": self.unreadable_geometry,
            "duplicate codes merged": self.duplicates_merged,
            "rows with an invalid code (not keyed)": self.invalid_codes,
        }
        for title, items in listed.items():
            if items:
                shown = ", ".join(items[:20]) + (" …" if len(items) > 20 else "")
                lines.append(f"  {title}: {len(items)}: {shown}")
        if self.reprojected_from:
            lines.append(f"  reprojected from {self.reprojected_from} to EPSG:4326")
        return "\n".join(lines)


def parse_wkb(wkb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse GDAL's WKB, closing unclosed rings instead of failing or returning None.

    GDAL (the GeoJSON driver at least) accepts a ring whose last point differs from the first,
    only warning, and hands it on unclosed; shapely then refuses the whole file (``raise``) or
    turns the region into None (``warn``/``ignore``). ``fix`` closes the ring by repeating its
    first point, which loses nothing. Returns (geometries, rings closed per row, unreadable mask).
    The ring count is exact for 2D WKB: each closing point adds 16 bytes to the re-encoded WKB.
    """
    strict = shapely.from_wkb(wkb, on_invalid="ignore")
    failed = np.array([g is None and b is not None for g, b in zip(strict, wkb, strict=True)],
                      dtype=bool)
    rings_closed = np.zeros(len(wkb), dtype=int)
    geoms = strict.copy()
    if failed.any():
        fixed = shapely.from_wkb(wkb[failed], on_invalid="fix")
        geoms[failed] = fixed
        for pos, geom in zip(np.flatnonzero(failed), fixed, strict=True):
            if geom is not None:
                added = (len(shapely.to_wkb(geom)) - len(wkb[pos])) // 16
                rings_closed[pos] = max(added, 1)
    unreadable = np.array([g is None for g in geoms], dtype=bool)
    return geoms, rings_closed, unreadable


def polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    """The polygons of a geometry; lines and points from a collapsed repair are dropped."""
    if shapely.get_type_id(geom) in _POLYGONAL:
        return geom
    polygons: list[BaseGeometry] = []
    for part in shapely.get_parts(geom):
        if shapely.get_type_id(part) in _POLYGONAL:
            polygons.extend(shapely.get_parts(part))
        elif shapely.get_type_id(part) == shapely.GeometryType.GEOMETRYCOLLECTION:
            polygons.extend(shapely.get_parts(polygonal_part(part)))
    if not polygons:
        return shapely.Polygon()
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def repair_polygons(
    codes: list[str], geoms: np.ndarray, report: RepairReport, method: RepairMethod = "structure"
) -> np.ndarray:
    """Make every polygon valid and polygonal, recording each repair in ``report``.

    ``structure`` is the default because it keeps area: it unions the shells (overlapping islands
    stay land) and treats a "hole" lying outside its shell as a separate part, both defects of the
    shared files. ``linework`` (GEOS's default) is even-odd, so overlapping parts cancel out.
    """
    out = np.array(geoms, dtype=object)
    present = ~shapely.is_missing(out)
    invalid = present & ~shapely.is_valid(np.where(present, out, None))
    if invalid.any():
        if method == "structure":
            fixed = shapely.make_valid(out[invalid], method="structure", keep_collapsed=False)
        else:
            fixed = shapely.make_valid(out[invalid])
        out[invalid] = fixed
        report.invalid_repaired.extend(codes[i] for i in np.flatnonzero(invalid))
    for i in np.flatnonzero(present):
        geom = out[i]
        if shapely.get_type_id(geom) not in _POLYGONAL:
            if shapely.get_type_id(geom) == shapely.GeometryType.GEOMETRYCOLLECTION:
                report.collections_reduced.append(codes[i])
            out[i] = polygonal_part(geom)
        if out[i].is_empty:
            report.empty_after_repair.append(codes[i])
    return out
