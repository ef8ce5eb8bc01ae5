"""The message catalogue: every UI string passes through :func:`t`.

Messages are gettext catalogues (``dashboard/locale/<lang>/LC_MESSAGES/messages.po``) read with
Babel, so translators can use their usual tools; no compile step is needed. The message ids are
English; Bahasa Indonesia is the default language. Region names are proper names and never pass
through here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANGUAGE = "id"
LANGUAGES = ("id", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid → msgstr for ``lang``; English is the source language and maps to itself."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def t(message: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """Translate ``message`` and fill ``{placeholders}``. Unknown ids fall back to the English
    text (a test fails on any id missing from the Indonesian catalogue)."""
    text = message if lang == "en" else catalogue(lang).get(message, message)
    return text.format(**values) if values else text
