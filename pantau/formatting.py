"""Number and date formatting per language: the one formatter every screen, map and export uses.

Indonesian writes ``1.234.567`` and ``12,5%`` and ``14 Februari 2024``; English ``1,234,567``,
``12.5%`` and ``14 February 2024`` (DOMAIN.md). Babel knows both locales' conventions, so we do
not hand-roll separators.
"""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("id", "en")
_LOCALES = {"id": "id_ID", "en": "en_GB"}


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, _LOCALES["id"])


def format_number(value: float | int | None, lang: str = "id", decimals: int = 0) -> str:
    """A count or measure with the language's grouping and decimal marks; None shows as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def format_share(value: float | None, lang: str = "id", decimals: int = 1) -> str:
    """A share in 0..1 as a percentage (``12,5%`` / ``12.5%``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(value, format=pattern, locale=_locale(lang))


def format_date(value: date | None, lang: str = "id") -> str:
    """A calendar date written out (``14 Februari 2024``)."""
    if value is None:
        return "–"
    return _babel_date(value, format="d MMMM y", locale=_locale(lang))
