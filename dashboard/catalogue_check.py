"""Find every UI message id in the dashboard's source, for the catalogue test and translators.

A message id is the first string literal passed to ``t``/``tr`` (or ``ctx.tr``) or to gettext's
``N_`` marker (a slide title: marked where it is defined, translated where it is shown), a value
of a module-level ``*_LABELS`` dict, or a ``Notice`` message. Running this module prints the ids the
Indonesian catalogue lacks, in .po form, ready to translate.
"""

from __future__ import annotations

import ast
from pathlib import Path

from dashboard.i18n import catalogue

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "dashboard").glob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]


def message_ids() -> dict[str, str]:
    """msgid → 'file:line' of its first use."""
    found: dict[str, str] = {}

    def add(value: str, where: str) -> None:
        found.setdefault(value, where)

    for path in SOURCES:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                    node.func, "id", None)
                literal_at = {"t": 0, "tr": 0, "N_": 0, "Notice": 1}.get(name or "")
                if literal_at is not None and len(node.args) > literal_at:
                    arg = node.args[literal_at]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        add(arg.value, where)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if any(t.endswith("_LABELS") for t in targets):
                    for value in node.value.values:
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            add(value.value, where)
    return found


def missing(lang: str = "id") -> dict[str, str]:
    known = catalogue(lang)
    return {msgid: where for msgid, where in message_ids().items() if msgid not in known}


if __name__ == "__main__":
    for msgid, where in missing().items():
        escaped = msgid.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        print(f'#: {where}\nmsgid "{escaped}"\nmsgstr ""\n')
