"""Kemendagri region codes: the one place that knows the hierarchy.

Codes are hierarchical by prefix (``64`` → ``64.09`` → ``64.09.04`` → ``64.09.04.2001``, and a
TPS adds a 3-digit number). KPU writes them without dots (``6409042001``); Kemendagri and the
boundary files with dots. The store keeps one canonical form, the dotted one, because that is the
official notation and what the boundary files are keyed by; every input is normalised here.
"""

from __future__ import annotations

import re
from typing import Literal

Level = Literal["province", "regency", "district", "village", "polling_station"]

LEVELS: tuple[Level, ...] = ("province", "regency", "district", "village", "polling_station")
REGION_LEVELS: tuple[Level, ...] = ("province", "regency", "district", "village")

# Digits of an undotted code at each level, and the width of each dotted segment.
_DIGITS: dict[int, Level] = {2: "province", 4: "regency", 6: "district", 10: "village",
                             13: "polling_station"}
_SEGMENTS = (2, 2, 2, 4, 3)
_DIGIT_RUN = re.compile(r"^[0-9]+$")  # ASCII only: "６４" is not a code


class InvalidRegionCode(ValueError):
    """A region code that is neither a dotted nor an undotted Kemendagri code."""


def normalize(code: object) -> str:
    """Return the canonical dotted form of a dotted or undotted code.

    Raises InvalidRegionCode with the reason, so ingest can report row and column.
    """
    if code is None:
        raise InvalidRegionCode("empty region code")
    text = str(code).strip()
    if not text:
        raise InvalidRegionCode("empty region code")
    if len(text) > 20:
        raise InvalidRegionCode(f"region code too long ({len(text)} characters)")
    if "." in text:
        parts = text.split(".")
        if len(parts) > len(_SEGMENTS) or any(
            len(p) != w or not _DIGIT_RUN.match(p) for p, w in zip(parts, _SEGMENTS, strict=False)
        ):
            raise InvalidRegionCode(f"{text!r} is not a dotted Kemendagri code (e.g. 64.09.04.2001)")
        return text
    if not _DIGIT_RUN.match(text) or len(text) not in _DIGITS:
        raise InvalidRegionCode(
            f"{text!r} is not a region code: expected 2, 4, 6, 10 or 13 digits, or the dotted form"
        )
    parts, pos = [], 0
    for width in _SEGMENTS:
        if pos >= len(text):
            break
        parts.append(text[pos : pos + width])
        pos += width
    return ".".join(parts)


def undotted(code: str) -> str:
    """KPU's form of a code, for exports that target KPU-style tools."""
    return normalize(code).replace(".", "")


def level_of(code: str) -> Level:
    """The level of a canonical code, read from its number of segments."""
    return LEVELS[normalize(code).count(".")]


def parent_of(code: str) -> str | None:
    """The code one level up, or None for a province."""
    canonical = normalize(code)
    return canonical.rsplit(".", 1)[0] if "." in canonical else None


def ancestor_at(code: str, level: Level) -> str:
    """The ancestor (or the code itself) at ``level``; the code must be at or below it."""
    canonical = normalize(code)
    depth = LEVELS.index(level) + 1
    parts = canonical.split(".")
    if len(parts) < depth:
        raise InvalidRegionCode(f"{canonical} is above the {level} level")
    return ".".join(parts[:depth])


def child_level(level: Level | None) -> Level:
    """The level below ``level``; None stands for the whole country."""
    if level is None:
        return "province"
    index = LEVELS.index(level)
    if index + 1 >= len(LEVELS):
        raise ValueError("polling stations have no child level")
    return LEVELS[index + 1]


def ancestry_columns(level: Level) -> tuple[str, ...]:
    """The denormalised ancestor columns a fact row at ``level`` carries (see schema)."""
    return tuple(f"{lv}_code" for lv in REGION_LEVELS[: REGION_LEVELS.index(level) + 1])
