"""The one filter state, parsed from and written to the URL's query parameters.

Every view is a shareable link: election, stage, date range, region scope, metric and language
live in the URL. Parsing is strict — each parameter is checked against an allow-list or a type,
region codes must exist, sizes are bounded — and anything invalid falls back to its default with
a notice the page shows, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta

from data_access import codes
from data_access.domain import ELECTIONS, STAGE_KEYS, STAGES

MAX_PARAM_LENGTH = 64
METRICS = ("cases", "rate_per_100k", "compliance_rate", "anomaly_flags", "voters",
           "tps_without_ptps_share")
LANGUAGES = ("id", "en")
# Scope can go down to kecamatan: its children (desa) are the finest map level.
SCOPE_LEVELS = ("province", "regency", "district")
# Presentation mode for a projector (issue 9); the slide number and the auto-advance interval are
# bounded so a hand-edited link cannot ask for slide 10**9 or a refresh every millisecond.
MODES = ("briefing",)
MAX_SLIDE = 99
ADVANCE_SECONDS = (5, 600)


def election_window(election: str) -> tuple[date, date]:
    """Dates a filter may take for an election: first stage start to 60 days after the last."""
    stages = STAGES[election]
    return stages[0].start, stages[-1].end + timedelta(days=60)


@dataclass(frozen=True)
class FilterState:
    lang: str = "id"
    election: str = "pemilu2024"
    stage: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    scope: str | None = None
    metric: str = "cases"
    mode: str | None = None
    slide: int = 1
    advance: int | None = None

    def to_params(self) -> dict[str, str]:
        """Only non-default values go into the URL, so links stay short and stable."""
        default = FilterState()
        names = {"date_from": "from", "date_to": "to"}
        params: dict[str, str] = {}
        for key, value in asdict(self).items():
            if value is None or value == getattr(default, key):
                continue
            params[names.get(key, key)] = value.isoformat() if isinstance(value, date) else str(value)
        return params

    def with_scope(self, scope: str | None) -> FilterState:
        return replace(self, scope=scope)


@dataclass(frozen=True)
class Notice:
    """A parameter that was ignored: ``param`` and the message id explaining why."""

    param: str
    message: str


def _one(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return None if value is None else str(value)


def parse_params(params: Mapping[str, object],
                 region_exists: Callable[[str], bool]) -> tuple[FilterState, list[Notice]]:
    """Read a FilterState from query parameters; never raises on visitor input."""
    notices: list[Notice] = []
    values: dict[str, object] = {}
    raw = {key: _one(params, key) for key in ("lang", "election", "stage", "from", "to",
                                              "scope", "metric", "mode", "slide", "advance")}
    for key, text in raw.items():
        if text is not None and len(text) > MAX_PARAM_LENGTH:
            notices.append(Notice(key, "The parameter '{param}' is too long and was ignored."))
            raw[key] = None

    def choice(key: str, allowed: tuple[str, ...]) -> None:
        text = raw[key]
        if text is None:
            return
        if text in allowed:
            values[key] = text
        else:
            notices.append(Notice(key, "Unknown value for '{param}'; the default is shown."))

    choice("lang", LANGUAGES)
    choice("election", ELECTIONS)
    choice("stage", STAGE_KEYS)
    choice("metric", METRICS)
    choice("mode", MODES)
    for key, (low_n, high_n) in (("slide", (1, MAX_SLIDE)), ("advance", ADVANCE_SECONDS)):
        text = raw[key]
        if text is None:
            continue
        if not text.isascii() or not text.isdigit() or not low_n <= int(text) <= high_n:
            notices.append(Notice(key, "Unknown value for '{param}'; the default is shown."))
            continue
        values[key] = int(text)

    election = str(values.get("election", FilterState.election))
    low, high = election_window(election)
    for key, field in (("from", "date_from"), ("to", "date_to")):
        text = raw[key]
        if text is None:
            continue
        try:
            day = date.fromisoformat(text)
        except ValueError:
            notices.append(Notice(key, "'{param}' is not a date (YYYY-MM-DD); it was ignored."))
            continue
        if not low <= day <= high:
            notices.append(Notice(key, "'{param}' is outside this election's period; "
                                       "it was ignored."))
            continue
        values[field] = day
    if values.get("date_from") and values.get("date_to") and values["date_from"] > values["date_to"]:
        notices.append(Notice("to", "The date range was reversed; it was ignored."))
        values.pop("date_from")
        values.pop("date_to")

    if raw["scope"] is not None:
        try:
            scope = codes.normalize(raw["scope"])
            if codes.level_of(scope) not in SCOPE_LEVELS:
                raise codes.InvalidRegionCode("too fine")
            if not region_exists(scope):
                raise codes.InvalidRegionCode("unknown")
            values["scope"] = scope
        except codes.InvalidRegionCode:
            notices.append(Notice("scope", "Unknown region in '{param}'; showing all of "
                                           "Indonesia."))
    fields = {"lang": "lang", "election": "election", "stage": "stage", "metric": "metric",
              "date_from": "date_from", "date_to": "date_to", "scope": "scope", "mode": "mode",
              "slide": "slide", "advance": "advance"}
    return FilterState(**{fields[k]: v for k, v in values.items()}), notices
