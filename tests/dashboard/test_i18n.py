"""Every UI string goes through the catalogue, in both languages; formatting per language."""

from __future__ import annotations

import re
from datetime import date

from dashboard.catalogue_check import message_ids, missing
from dashboard.i18n import catalogue, t
from pantau.formatting import format_date, format_number, format_share


def test_every_message_has_an_indonesian_translation():
    assert missing("id") == {}, "untranslated: run python -m dashboard.catalogue_check"


def test_translations_keep_their_placeholders():
    placeholder = re.compile(r"\{(\w+)\}")
    for msgid, msgstr in catalogue("id").items():
        assert set(placeholder.findall(msgid)) == set(placeholder.findall(msgstr)), msgid


def test_catalogue_has_no_stale_entries():
    assert set(catalogue("id")) <= set(message_ids())


def test_english_is_the_source_and_indonesian_the_default():
    assert t("Overview") == "Ringkasan"
    assert t("Overview", "en") == "Overview"
    assert t("{n} TPS without a PTPS", "id", n="1.234") == "1.234 TPS tanpa PTPS"


def test_numbers_and_dates_per_language():
    assert format_number(1_234_567, "id") == "1.234.567"
    assert format_number(1_234_567, "en") == "1,234,567"
    assert format_share(0.125, "id") == "12,5%"
    assert format_share(0.125, "en") == "12.5%"
    assert format_date(date(2024, 2, 14), "id") == "14 Februari 2024"
    assert format_date(date(2024, 2, 14), "en") == "14 February 2024"
    assert format_number(None, "id") == "–"
