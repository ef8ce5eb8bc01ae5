"""Join boundary polygons to the election's regions across code-list vintages, and say how.

The 2024 election used the 2022-2024 Kemendagri list; the boundary files follow the 2025 list.
On the real data the two differ in three ways, each handled here and reported:

* codes renumbered inside a regency (Papua Barat Daya: Sorong, Sorong Selatan, Raja Ampat), so
  the same code names a *different* kecamatan: a code match is trusted only if the names agree,
  otherwise the election name is looked up among the boundaries of the same parent;
* regions renamed or spelled differently under the same code (``KOTA COT GLIE`` / ``Kuta Cot
  Glie``): matched by code, listed with both names;
* kecamatan created in 2025 by splitting 2024 ones (7,277 → 7,285): the new polygon is merged back
  into the 2024 kecamatan that most of its villages belonged to, judged by village names in both
  vintages, with the vote counts reported as evidence. Without village names it stays unmatched.

Nothing is dropped: every election region without a polygon and every polygon without an election
region is listed in the report.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import geopandas as gpd
import polars as pl
import shapely

from data_access.codes import Level, ancestor_at, level_of, normalize, parent_of
from geo.repair import polygonal_part

MatchKind = Literal["code", "code_name_differs", "renumbered", "name_fuzzy"]
FUZZY_MIN_RATIO = 0.8
_REGENCY_WORDS = re.compile(r"\b(kabupaten|kab|administrasi|adm)\b")
_PROVINCE_ALIASES = {"dki": "daerah khusus ibukota", "di": "daerah istimewa"}


def name_key(name: str, level: Level | str) -> str:
    """A spelling-insensitive key: no case, accents, punctuation, spaces or level words."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    if level == "regency":
        text = _REGENCY_WORDS.sub(" ", text)  # "Kabupaten X" = "X"; "Kota X" stays "kota x"
    elif level == "province":
        words = [w for w in text.split() if w != "provinsi"]
        text = " ".join(_PROVINCE_ALIASES.get(w, w) for w in words)
    return text.replace(" ", "")


@dataclass
class JoinReport:
    """How each election region found its polygon, and what found none (codes are dotted)."""

    level: str
    matched: Counter = field(default_factory=Counter)
    renumbered: list[tuple[str, str, str]] = field(default_factory=list)
    name_differs: list[tuple[str, str, str]] = field(default_factory=list)
    fuzzy: list[tuple[str, str, str, str]] = field(default_factory=list)
    merged_splits: list[tuple[str, str, str]] = field(default_factory=list)
    election_without_boundary: list[tuple[str, str]] = field(default_factory=list)
    boundary_without_election: list[tuple[str, str]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # why a polygon was not merged back

    def counts(self) -> dict[str, int]:
        return {**{f"matched_{k}": n for k, n in sorted(self.matched.items())},
                "merged_splits": len(self.merged_splits),
                "election_without_boundary": len(self.election_without_boundary),
                "boundary_without_election": len(self.boundary_without_election)}

    def summary(self) -> str:
        lines = [f"{self.level}: " + ", ".join(f"{k} {n}" for k, n in self.counts().items())]
        lines += [f"  renumbered: election {e} is boundary {b} ({n})"
                  for e, b, n in self.renumbered]
        lines += [f"  same code, other name: {c} {e!r} / {b!r}" for c, e, b in self.name_differs]
        lines += [f"  fuzzy name: {e} {en!r} ~ {b} {bn!r}" for e, en, b, bn in self.fuzzy]
        lines += [f"  merged split: {b} into {e} ({why})" for e, b, why in self.merged_splits]
        lines += [f"  no boundary for election region {c} {n}"
                  for c, n in self.election_without_boundary]
        lines += [f"  no election region for boundary {c} {n}"
                  + (f" ({self.notes[c]})" if c in self.notes else "")
                  for c, n in self.boundary_without_election]
        return "\n".join(lines)


class JoinResult(NamedTuple):
    frame: gpd.GeoDataFrame
    report: JoinReport


def _within(codes: list[str], parent_code: str | None) -> list[bool]:
    return [parent_code is None or c.startswith(parent_code + ".") for c in codes]


def join_regions(
    boundaries: gpd.GeoDataFrame,
    regions: pl.DataFrame,
    *,
    parent_code: str | None = None,
    election_villages: pl.DataFrame | None = None,
    boundary_villages: pl.DataFrame | None = None,
) -> JoinResult:
    """Election regions (``code``, ``name``, ``level``) with the geometry of their boundary.

    ``boundaries`` is one level (columns code, name, geometry). Only election regions of that
    level (under ``parent_code`` if given) are joined. Village names of both vintages
    (``election_villages`` defaults to the village rows of ``regions``) let split kecamatan be
    merged back. The frame is keyed by the election's code, with ``boundary_code`` (comma-joined
    if splits were merged) and ``match`` (the :data:`MatchKind`).
    """
    b_codes = [normalize(c) for c in boundaries["code"]]
    level = level_of(b_codes[0]) if b_codes else "province"
    keep = _within(b_codes, parent_code)
    b_name = {c: str(n) for c, n, k in zip(b_codes, boundaries["name"], keep, strict=True) if k}
    b_geom = {c: g for c, g, k in zip(b_codes, boundaries.geometry, keep, strict=True) if k}
    elec = [(normalize(c), str(n)) for c, n, lv in regions.select("code", "name", "level").rows()
            if lv == level]
    elec = [(c, n) for (c, n), k in zip(elec, _within([c for c, _ in elec], parent_code),
                                        strict=True) if k]
    report = JoinReport(level=level)
    match: dict[str, tuple[str, MatchKind]] = {}
    used: set[str] = set()

    def take(e_code: str, b_code: str, kind: MatchKind) -> None:
        match[e_code] = (b_code, kind)
        used.add(b_code)
        report.matched[kind] += 1

    for code, name in elec:  # 1. same code and same name
        if code in b_name and name_key(name, level) == name_key(b_name[code], level):
            take(code, code, "code")
    by_parent_name: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    for code, name in b_name.items():
        if code not in used:
            by_parent_name[(parent_of(code), name_key(name, level))].append(code)
    for code, name in elec:  # 2. codes renumbered: the same name under the same parent
        if code not in match:
            free = [b for b in by_parent_name[(parent_of(code), name_key(name, level))]
                    if b not in used]
            if len(free) == 1:
                take(code, free[0], "renumbered")
                report.renumbered.append((code, free[0], name))
    for code, name in elec:  # 3. same code, the name changed or is spelled differently
        if code not in match and code in b_name and code not in used:
            take(code, code, "code_name_differs")
            report.name_differs.append((code, name, b_name[code]))
    for code, name in elec:  # 4. a close name under the same parent
        if code not in match and (found := _fuzzy(code, name, b_name, used, level)):
            take(code, found, "name_fuzzy")
            report.fuzzy.append((code, name, found, b_name[found]))

    merged: dict[str, list[str]] = defaultdict(list)
    if election_villages is None and "village" in set(regions["level"]):
        election_villages = regions.filter(pl.col("level") == "village").select("code", "name")
    if boundary_villages is not None and election_villages is not None:
        matched_by_code = {e: b for e, (b, _) in match.items()}
        for b_code in sorted(set(b_name) - used):  # 5. splits merged back into their origin
            origin, why = _split_origin(b_code, level, election_villages, boundary_villages)
            if origin in matched_by_code:
                merged[origin].append(b_code)
                used.add(b_code)
                report.merged_splits.append((origin, b_code, f"{b_name[b_code]}: {why}"))
            else:
                report.notes[b_code] = why

    report.election_without_boundary = [(c, n) for c, n in elec if c not in match]
    report.boundary_without_election = [(c, b_name[c]) for c in sorted(set(b_name) - used)]
    names = dict(elec)
    rows = []
    for code in sorted(match):
        b_code, kind = match[code]
        parts = [b_code, *merged.get(code, [])]
        geom = b_geom[b_code] if len(parts) == 1 else _union([b_geom[p] for p in parts])
        rows.append({"code": code, "name": names[code], "level": level,
                     "boundary_code": ",".join(parts), "match": kind, "geometry": geom})
    columns = ["code", "name", "level", "boundary_code", "match", "geometry"]
    frame = gpd.GeoDataFrame(rows or None, columns=columns, geometry="geometry",
                             crs=boundaries.crs or "EPSG:4326")
    return JoinResult(frame, report)


def _union(geoms: list) -> shapely.Geometry:
    """Union display polygons; rounding may have left them slightly invalid, so repair first."""
    return polygonal_part(shapely.union_all(shapely.make_valid(geoms, method="structure")))


def _fuzzy(code: str, name: str, b_name: dict[str, str], used: set[str], level: Level
           ) -> str | None:
    """The one free boundary under the same parent whose name is clearly the closest."""
    key = name_key(name, level)
    scored = sorted(
        ((difflib.SequenceMatcher(None, key, name_key(b_name[b], level)).ratio(), b)
         for b in b_name if b not in used and parent_of(b) == parent_of(code)), reverse=True)
    if scored and scored[0][0] >= FUZZY_MIN_RATIO and (
            len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.05):
        return scored[0][1]
    return None


def _split_origin(b_code: str, level: Level, election_villages: pl.DataFrame,
                  boundary_villages: pl.DataFrame) -> tuple[str | None, str]:
    """The election region most of ``b_code``'s villages belonged to, if at least half did."""
    parent = parent_of(b_code)
    scope = (parent + ".") if parent else ""
    mine = boundary_villages.filter(pl.col("code").str.starts_with(b_code + "."))["name"]
    old: dict[str, set[str]] = defaultdict(set)
    for code, name in election_villages.filter(pl.col("code").str.starts_with(scope)).rows():
        old[name_key(name, "village")].add(ancestor_at(code, level))
    votes = Counter(next(iter(old[k])) for k in (name_key(n, "village") for n in mine)
                    if len(old.get(k, ())) == 1)
    if not votes:
        return None, f"none of its {len(mine)} villages found in the election's list"
    origin, count = votes.most_common(1)[0]
    why = f"{count} of {len(mine)} villages were in {origin} in the election's list"
    others = [f"{n} in {c}" for c, n in votes.most_common()[1:]]
    if others:
        why += f" ({', '.join(others)})"
    return (origin if 2 * count >= len(mine) else None), why
