"""docs/formats.md stays in step with the code: every kind, column and alias is documented, and
every example file it names exists."""

from __future__ import annotations

import re
from pathlib import Path

from data_access.ingest import KINDS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_kind_column_and_alias_is_documented():
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    for kind in KINDS.values():
        assert f"## {kind.name}" in text
        section = text.split(f"## {kind.name}", 1)[1].split("\n## ", 1)[0]
        for field in kind.fields:
            assert f"| `{field.name}` |" in section, (kind.name, field.name)
            for alias in field.aliases:
                assert f"`{alias}`" in section, (kind.name, field.name, alias)


def test_every_linked_example_exists():
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((examples/[^)]+)\)", text)
    assert len(links) >= 10
    for link in links:
        assert (DOCS / link).is_file(), link
