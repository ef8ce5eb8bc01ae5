"""Explanation texts: number formats per language and templates that render."""

from __future__ import annotations

import string

import polars as pl
import pytest

from pantau.anomalies.explain import TEMPLATES, WORDS, format_int, format_pct, placeholders


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (0, "id", "0"), (999, "id", "999"), (1000, "id", "1.000"), (1234567, "id", "1.234.567"),
    (1234567, "en", "1,234,567"), (-4500, "id", "-4.500"), (100_000, "en", "100,000"),
])
def test_format_int(value: int, lang: str, expected: str) -> None:
    assert pl.select(format_int(pl.lit(value), lang)).item() == expected


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (0.079, "id", "7,9%"), (0.079, "en", "7.9%"), (0.004, "id", "0,4%"), (-0.004, "id", "-0,4%"),
    (0.0, "en", "0.0%"), (12.345, "id", "1.234,5%"), (0.05, "en", "5.0%"),
])
def test_format_pct(value: float, lang: str, expected: str) -> None:
    assert pl.select(format_pct(pl.lit(value), lang)).item() == expected


def test_both_languages_show_the_same_numbers() -> None:
    assert WORDS["id"].keys() == WORDS["en"].keys()
    for key, template in TEMPLATES.items():
        names = [{n for _, n, _, _ in string.Formatter().parse(text) if n}
                 for text in (template.id, template.en)]
        assert names[0] == names[1] == placeholders(key), key
