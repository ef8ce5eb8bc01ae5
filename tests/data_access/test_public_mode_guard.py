"""Public mode cannot get case- or record-level rows out of ``data_access``, through any function.

Every public function of every query module is found by introspection (a new one is covered the
day it is written) and called in public mode over the fixture store at every level: none may
return a column that identifies a case, a record, a report, a supervisor or a person. The
functions that do return such rows take the signed-in actor, and each of them refuses in public
mode — even for an administrator, and before any query runs.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from datetime import date
from itertools import product

import polars as pl
import pytest

import data_access
from data_access.access import Actor, PublicModeRefused
from data_access.overview import OverviewFilter
from data_access.privacy import ScopeSuppressed
from data_access.query import InvalidQuery

# Modules that are machinery rather than queries of the data (the store's own plumbing, loads,
# accounts): they return no rows a page could show.
MACHINERY = ("data_access.access", "data_access.query", "data_access.engine", "data_access.store",
             "data_access.schema", "data_access.rollups", "data_access.codes", "data_access.privacy",
             "data_access.domain", "data_access.ingest", "data_access.migrations",
             "data_access.security")
# The functions that return case- or record-level rows. Adding one here is a privacy decision.
DETAIL_FUNCTIONS = {"anomalies.record_flags", "cases.overdue_cases",
                    "compliance_detail.missing_reports", "ground_truth.ground_truth"}
IDENTIFYING = {"case_id", "record_id", "obligation_id", "report_id", "supervisor_id", "flag_id",
               "nik", "name", "full_name", "family_card", "birth_date", "address", "seat",
               "post_code", "reporter", "reported_person", "subject"}
LEVELS = ("province", "regency", "district", "village")
SCOPES = (None, "91", "91.01", "91.01.01")
CANDIDATES: dict[str, tuple[object, ...]] = {
    "level": LEVELS, "scope": SCOPES, "code": ("91", "91.01.01", "91.01.01.2001"),
    "dimension": ("source", "category", "status", "reported_party", "body", "stage", "week",
                  "registration", "finding"),
    "first": ("source", "category"), "second": ("status",),
    "filters": (OverviewFilter(),), "start": (date(2024, 1, 1),), "end": (date(2024, 3, 31),),
    "domain": ("compliance", "voter_recap", "violations"),
    "kind": ("systematically_poor_regency", "stage_growth", "high_rate_province"),
}


def public_functions() -> Iterator[tuple[str, Callable]]:
    for info in pkgutil.walk_packages(data_access.__path__, "data_access."):
        if info.name.startswith(MACHINERY):
            continue
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                yield f"{info.name.removeprefix('data_access.')}.{name}", function


def takes_actor(function: Callable) -> bool:
    return "actor" in inspect.signature(function).parameters


def test_the_detail_functions_are_exactly_those_that_take_the_actor():
    assert {name for name, f in public_functions() if takes_actor(f)} == DETAIL_FUNCTIONS


@pytest.mark.parametrize("name", sorted(DETAIL_FUNCTIONS))
def test_detail_functions_refuse_in_public_mode_before_any_query(name, monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "public")
    function = dict(public_functions())[name]
    args = {"region": "91", "domain": "voter_record", "kind": "underage"}
    needed = {p: args[p] for p, v in inspect.signature(function).parameters.items()
              if p in args and v.default is inspect.Parameter.empty}
    with pytest.raises(PublicModeRefused):  # an engine that cannot run: refused before a query
        function(**needed, actor=Actor("root", "admin"), engine=object())


def frames(result: object) -> Iterator[pl.DataFrame]:
    """Every frame in a result: a frame, a dict or dataclass holding frames, or a list of them."""
    if isinstance(result, pl.DataFrame):
        yield result
    elif isinstance(result, dict):
        for value in result.values():
            yield from frames(value)
    elif isinstance(result, (list, tuple)):
        for value in result:
            yield from frames(value)
    elif hasattr(result, "__dataclass_fields__"):
        for field in result.__dataclass_fields__:
            yield from frames(getattr(result, field))


def calls(function: Callable) -> Iterator[dict[str, object]]:
    """Every combination of candidate values for the level, scope and dimension a function takes
    and for its other required parameters (the rest keep their defaults)."""
    swept = ("level", "scope", "dimension", "code")
    names = [p for p, v in inspect.signature(function).parameters.items()
             if p in CANDIDATES and (p in swept or v.default is inspect.Parameter.empty)]
    for values in product(*(CANDIDATES[p] for p in names)):
        yield dict(zip(names, values, strict=True))


def test_no_other_function_returns_identifying_columns_in_public_mode(fixture_engine,
                                                                     monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "public")
    checked, leaks, uncallable = 0, [], []
    for name, function in public_functions():
        if name in DETAIL_FUNCTIONS or "engine" not in inspect.signature(function).parameters:
            continue
        answered = False
        for kwargs in calls(function):
            try:
                result = function(**kwargs, engine=fixture_engine)
            except (InvalidQuery, ValueError, ScopeSuppressed):
                continue  # a combination the function rejects (e.g. a scope finer than level,
                # or a kecamatan whose figures public mode hides)
            answered = True
            checked += 1
            for frame in frames(result):
                if IDENTIFYING & set(frame.columns):
                    leaks.append((name, kwargs, sorted(IDENTIFYING & set(frame.columns))))
        if not answered:
            uncallable.append(name)
    assert not uncallable, f"give these parameters candidate values: {uncallable}"
    assert not leaks, leaks
    assert checked > 200  # the sweep really ran
