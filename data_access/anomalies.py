"""Voter-list anomalies (*anomali daftar pemilih*): flags per region and rule, region-level flags
with their explanations, and — in internal mode only — record-level flags.

Two kinds of flag live in ``anomaly_flag``:

* region-level flags (:data:`REGION_RULES`: growth between stages or elections, voters above the
  adult population, a TPS above 300 voters) describe a region or a TPS. Their explanations hold
  aggregates only, so the public dashboard may show them;
* record-level flags (every other rule: duplicate NIK, underage, a crowded family card …) point
  at one row of a voter extract. They carry no NIK or name, but a record id leads back to a
  person in the extract, so they leave the store only in internal mode (:func:`record_flags`),
  and every such read is logged. Publicly they appear as counts per region and rule.

Public mode hides the record-level numbers of a kecamatan or desa that has a small count (1 to
k−1) in any rule × severity cell or of flagged voters, with complementary regions (see
:mod:`data_access.privacy`): "2 underage voters in this desa" could point at a person. The same
regions are hidden in every view (map, rule counts, exports). Counts of region-level flags are
never hidden: they describe regions.

This module also reads the region-level detector's inputs from the store (already aggregated)
and replaces the flags of a run in one all-or-nothing write (:func:`replace_flags`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import codes, schema, voter_list
from data_access.access import Actor, audited_read
from data_access.domain import MAX_VOTERS_PER_TPS
from data_access.privacy import (
    FINE_LEVELS,
    FLAG,
    hidden_codes,
    parent_code,
    sensitive_keys,
    small,
    suppress,
    suppression_k,
)
from data_access.query import (
    InvalidQuery,
    check_choice,
    check_level,
    check_scope,
    fetch,
    in_scope,
    regions_at,
)
from data_access.store import bulk_insert, record_dataset, writing

flag = schema.anomaly_flag

# Rules of the region-level detector (pantau.anomalies.regions); every other rule id in the store
# comes from the record-level detector (pantau.anomalies.records.RULE_IDS).
REGION_RULES: tuple[str, ...] = ("stage_growth", "election_growth", "voters_above_adults",
                                 "tps_over_limit")
SEVERITIES: tuple[str, ...] = ("high", "medium", "low")
MAX_REGION_FLAG_ROWS = 5_000  # the public table is a reading list, not a dump
ANOMALY_DATASET = "anomalies"

_COUNT = {"flags": pl.Int64}
_RECORD_COUNTS = ("anomaly_flags", "record_flags", "flagged_voters")


def _is_region_rule() -> sa.ColumnElement[bool]:
    return flag.c.rule_id.in_(REGION_RULES)


def _filters(scope: str | None, rules: Sequence[str] | None,
             severities: Sequence[str] | None) -> list[sa.ColumnElement[bool]]:
    """Scope, rule and severity conditions; rules and severities are checked, then bound."""
    where = [in_scope(flag, scope)]
    if rules is not None:
        for rule in rules:
            if not rule or len(rule) > 40 or not rule.replace("_", "").isalnum():
                raise InvalidQuery(f"not a rule id: {rule!r}")
        where.append(flag.c.rule_id.in_(list(rules)))
    if severities is not None:
        for severity in severities:
            check_choice("severity", severity, SEVERITIES)
        where.append(flag.c.severity.in_(list(severities)))
    return where


def _record_counts(level: str, scope: str | None, rules: Sequence[str] | None,
                   severities: Sequence[str] | None, engine: Engine | None) -> pl.DataFrame:
    """Per region at ``level`` with record-level flags: record_flags and flagged_voters."""
    group = flag.c[f"{level}_code"]
    is_record = flag.c.subject_level == "record"
    stmt = (sa.select(group.label("region_code"), sa.func.count().label("record_flags"),
                      sa.func.count(sa.distinct(sa.case((is_record, flag.c.record_id))))
                      .label("flagged_voters"))
            .where(*_filters(scope, rules, severities), sa.not_(_is_region_rule()),
                   group.is_not(None))
            .group_by(group))
    return fetch(stmt, engine, {"record_flags": pl.Int64, "flagged_voters": pl.Int64})


def _suppression(level: str, scope: str | None, rules: Sequence[str] | None,
                 severities: Sequence[str] | None, k: int,
                 engine: Engine | None) -> pl.DataFrame:
    """Which regions at ``level`` in ``scope`` have their record-level numbers hidden
    (region_code, region_name, suppressed).

    A region is judged on every rule × severity × subject cell of its record-level flags (the
    finest split a public view shows: the rule table of a kecamatan) and on its flagged voters,
    whatever rules or severities are selected, so every selection hides at least the regions
    the unfiltered view hides; a selection's own small count of flagged voters hides more (with
    a complement where one would be alone)."""
    group = flag.c[f"{level}_code"]
    cells = fetch(sa.select(group.label("region_code"), sa.func.count().label("flags"))
                  .where(in_scope(flag, scope), sa.not_(_is_region_rule()), group.is_not(None))
                  .group_by(group, flag.c.rule_id, flag.c.severity, flag.c.subject_level),
                  engine, _COUNT)
    everything = _record_counts(level, scope, None, None, engine)
    rows = fetch(regions_at(level, scope), engine, {}).sort("region_code").join(
        everything, on="region_code", how="left", maintain_order="left").with_columns(
        pl.col("record_flags", "flagged_voters").fill_null(0),
        _group=parent_code(pl.col("region_code")))
    small_cell = sensitive_keys(cells, "region_code", ["flags"], k).implode()
    flags_of = suppress(rows, ["record_flags"], k, group="_group",
                        sensitive=["record_flags", "flagged_voters"],
                        primary=pl.col("region_code").is_in(small_cell))
    if rules is None and severities is None:
        return flags_of.select("region_code", "region_name", FLAG)
    selected = _record_counts(level, scope, rules, severities, engine)
    small_here = selected.filter(small(["record_flags", "flagged_voters"], k))["region_code"]
    return suppress(rows, ["record_flags"], k, group="_group", sensitive=[],
                    primary=pl.col("region_code").is_in(
                        pl.concat([small_here, hidden_codes(flags_of)]).implode()),
                    ).select("region_code", "region_name", FLAG)


def _padding(regions: Sequence[str], rules: Sequence[str] | None,
             severities: Sequence[str] | None, k: int, engine: Engine | None) -> pl.DataFrame:
    """The record-level rule × severity × subject cells each hidden region of ``regions`` lists
    (region_code, rule_id, severity, subject_level), all hidden: the cells its nearest published
    ancestor lists (the parent if shown, else further up; a kab/kota is always published). A row
    listed only where the region has flags would tell "at least one" from "none"; rows copied from
    what the ancestor already publishes tell nothing new."""
    hidden_under: dict[str | None, set[str]] = {}  # parent → its hidden children

    def hidden(code: str) -> bool:
        parent = codes.parent_of(code)
        if parent not in hidden_under:
            hidden_under[parent] = set(hidden_codes(_suppression(
                codes.level_of(code), parent, rules, severities, k, engine)))
        return code in hidden_under[parent]

    ancestor_of = {}
    for region in regions:
        ancestor = codes.parent_of(region)
        while ancestor is not None and codes.level_of(ancestor) in FINE_LEVELS and hidden(ancestor):
            ancestor = codes.parent_of(ancestor)
        ancestor_of[region] = ancestor
    cells = [_rule_cells(a, rules, severities, engine).filter(
        ~pl.col("rule_id").is_in(list(REGION_RULES))).select(
        "rule_id", "severity", "subject_level", _ancestor=pl.lit(a, pl.Utf8))
        for a in sorted(set(ancestor_of.values()), key=str)]
    schema = {"rule_id": pl.Utf8, "severity": pl.Utf8, "subject_level": pl.Utf8,
              "_ancestor": pl.Utf8}
    listed = pl.concat(cells) if cells else pl.DataFrame(schema=schema)
    return pl.DataFrame({"region_code": list(ancestor_of), "_ancestor": list(ancestor_of.values())},
                        schema={"region_code": pl.Utf8, "_ancestor": pl.Utf8}).join(
        listed, on="_ancestor").drop("_ancestor")


def _hide(frame: pl.DataFrame, flags: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """Null ``columns`` (and ``flagged_share``) on the flagged rows of ``frame``."""
    frame = frame.drop(FLAG, strict=False).join(flags.select("region_code", FLAG),
                                                on="region_code", how="left",
                                                maintain_order="left")
    frame = frame.with_columns(pl.col(FLAG).fill_null(False))
    hidden = [c for c in (*columns, "flagged_share") if c in frame.columns]
    return frame.with_columns(pl.when(pl.col(FLAG)).then(None).otherwise(pl.col(c)).alias(c)
                              for c in hidden)


def anomalies_by_region(level: str, scope: str | None = None, *,
                        engine: Engine | None = None) -> pl.DataFrame:
    """Per region: flags (record- and region-level rules at or below the level), record_flags
    and suppressed (public mode: a kecamatan's or desa's flags are null when its record-level
    flags are hidden; see :func:`anomaly_map_metrics`)."""
    level = check_level(level)
    scope = check_scope(scope, level)
    group = flag.c[f"{level}_code"]
    totals = (sa.select(group.label("code"), sa.func.count().label("flags"),
                        sa.func.sum(sa.case((flag.c.subject_level == "record", 1), else_=0))
                        .label("record_flags"))
              .where(in_scope(flag, scope), group.is_not(None)).group_by(group).subquery())
    names = regions_at(level, scope).subquery()
    stmt = sa.select(names.c.region_code, names.c.region_name, totals.c.flags,
                     totals.c.record_flags).select_from(
        names.outerjoin(totals, totals.c.code == names.c.region_code)).order_by(
        names.c.region_code)
    dtypes = {"flags": pl.Int64, "record_flags": pl.Int64}
    frame = fetch(stmt, engine, dtypes).with_columns(pl.col(list(dtypes)).fill_null(0))
    k = suppression_k(level)
    if k is None:
        return frame.with_columns(pl.lit(False).alias(FLAG))
    return _hide(frame, _suppression(level, scope, None, None, k, engine), list(dtypes))


def anomalies_by_rule(scope: str | None = None, *, engine: Engine | None = None) -> pl.DataFrame:
    """Flags per rule and severity in a scope."""
    scope = check_scope(scope, "polling_station")
    stmt = (sa.select(flag.c.rule_id, flag.c.severity, flag.c.subject_level,
                      sa.func.count().label("flags"))
            .where(in_scope(flag, scope))
            .group_by(flag.c.rule_id, flag.c.severity, flag.c.subject_level)
            .order_by(sa.desc("flags")))
    return fetch(stmt, engine, {"flags": pl.Int64})


def anomaly_counts(level: str, scope: str | None = None, *, rules: Sequence[str] | None = None,
                   severities: Sequence[str] | None = None,
                   engine: Engine | None = None) -> pl.DataFrame:
    """Flags per region at ``level`` and rule: region_code, region_name, rule_id, flags,
    suppressed.

    The open-data form of the anomalies (``pantau export anomalies --level <region level>``).
    A flag counts in the region that contains its subject, so a kecamatan's flag counts in its
    kab/kota; flags about a region above ``level`` (a kab/kota flag when ``level`` is
    ``district``) have no region at that level and are left out. Only region–rule pairs with at
    least one flag are listed, except in public mode for a kecamatan or desa whose record-level
    flags are hidden (:func:`anomaly_map_metrics`): it has a row, ``flags`` null and
    ``suppressed`` true, for every record-level rule its nearest published ancestor lists, so
    that a missing row never says "zero". Region-level rules are never hidden.
    """
    level = check_level(level)
    scope = check_scope(scope, level)
    group = flag.c[f"{level}_code"]
    totals = (sa.select(group.label("code"), flag.c.rule_id, sa.func.count().label("flags"))
              .where(*_filters(scope, rules, severities), group.is_not(None))
              .group_by(group, flag.c.rule_id).subquery())
    names = regions_at(level, scope).subquery()
    stmt = (sa.select(names.c.region_code, names.c.region_name, totals.c.rule_id, totals.c.flags)
            .select_from(names.join(totals, totals.c.code == names.c.region_code))
            .order_by(names.c.region_code, totals.c.rule_id))
    frame = fetch(stmt, engine, _COUNT).with_columns(pl.lit(False).alias(FLAG))
    k = suppression_k(level)
    if k is None:
        return frame
    hidden = _suppression(level, scope, rules, severities, k, engine).filter(FLAG)
    is_record = ~pl.col("rule_id").is_in(list(REGION_RULES))
    shown = frame.filter(~is_record | ~pl.col("region_code").is_in(
        hidden["region_code"].implode()))
    padding = _padding(hidden["region_code"].to_list(), rules, severities, k, engine)
    grid = hidden.join(padding.select("region_code", "rule_id").unique(), on="region_code").select(
        "region_code", "region_name", "rule_id", pl.lit(None, pl.Int64).alias("flags"),
        pl.lit(True).alias(FLAG))
    return pl.concat([shown, grid]).sort("region_code", "rule_id")


def anomaly_map_metrics(level: str, scope: str | None = None, *,
                        rules: Sequence[str] | None = None,
                        severities: Sequence[str] | None = None, election: str = "pemilu2024",
                        engine: Engine | None = None) -> pl.DataFrame:
    """Per region at ``level``: anomaly_flags (all selected flags), region_flags, record_flags,
    flagged_voters, voters (DPT) and flagged_share.

    ``flagged_voters`` counts distinct voter rows with at least one record-level flag about that
    row (``subject_level = 'record'``), so a row that trips two rules is one voter; group flags
    (a crowded family card, an overfull TPS) are counted in ``record_flags`` only.
    ``flagged_share`` = flagged_voters ÷ DPT, null where the DPT is unknown or zero.
    ``suppressed``: public mode hid this kecamatan's or desa's record-derived numbers (a small
    count in any rule × severity cell or of flagged voters, or a complementary region among those
    with the same parent; :mod:`data_access.privacy`); they are null then, and only region_flags
    and voters remain.
    """
    level = check_level(level)
    scope = check_scope(scope, level)
    group = flag.c[f"{level}_code"]
    is_record = flag.c.subject_level == "record"
    totals = (
        sa.select(
            group.label("code"),
            sa.func.count().label("anomaly_flags"),
            sa.func.sum(sa.case((_is_region_rule(), 1), else_=0)).label("region_flags"),
            sa.func.sum(sa.case((_is_region_rule(), 0), else_=1)).label("record_flags"),
            sa.func.count(sa.distinct(sa.case((is_record, flag.c.record_id))))
            .label("flagged_voters"),
        )
        .where(*_filters(scope, rules, severities), group.is_not(None))
        .group_by(group).subquery()
    )
    names = regions_at(level, scope).subquery()
    stmt = (sa.select(names.c.region_code, names.c.region_name, totals.c.anomaly_flags,
                      totals.c.region_flags, totals.c.record_flags, totals.c.flagged_voters)
            .select_from(names.outerjoin(totals, totals.c.code == names.c.region_code))
            .order_by(names.c.region_code))
    counts = ["anomaly_flags", "region_flags", "record_flags", "flagged_voters"]
    frame = fetch(stmt, engine, dict.fromkeys(counts, pl.Int64)).with_columns(
        pl.col(counts).fill_null(0))
    dpt = voter_list.voters_by_region(level, scope, "DPT", election, engine=engine).select(
        "region_code", pl.col("voters_total").alias("voters"))
    frame = frame.join(dpt, on="region_code", how="left").with_columns(
        flagged_share=pl.when(pl.col("voters") > 0)
        .then(pl.col("flagged_voters") / pl.col("voters").cast(pl.Float64)))
    k = suppression_k(level)
    if k is None:
        return frame.with_columns(pl.lit(False).alias(FLAG))
    return _hide(frame, _suppression(level, scope, rules, severities, k, engine),
                 _RECORD_COUNTS)


def anomaly_totals(scope: str | None = None, *, rules: Sequence[str] | None = None,
                   severities: Sequence[str] | None = None, election: str = "pemilu2024",
                   engine: Engine | None = None) -> dict[str, object]:
    """The scope's own row of :func:`anomaly_map_metrics` (its numbers among its siblings, so
    a hidden kecamatan is hidden here too); for Indonesia, the sum over provinces."""
    if scope is None:
        frame = anomaly_map_metrics("province", None, rules=rules, severities=severities,
                                    election=election, engine=engine)
        counts = ["anomaly_flags", "region_flags", "record_flags", "flagged_voters"]
        row: dict[str, object] = {c: int(frame[c].sum()) for c in counts}
        voters = frame["voters"].sum() if frame["voters"].null_count() < frame.height else None
        row |= {"region_code": None, "region_name": "Indonesia", "voters": voters,
                "flagged_share": row["flagged_voters"] / voters if voters else None,
                "suppressed": False}
        return row
    scope = codes.normalize(scope)
    frame = anomaly_map_metrics(codes.level_of(scope), codes.parent_of(scope), rules=rules,
                                severities=severities, election=election, engine=engine)
    mine = frame.filter(pl.col("region_code") == scope)
    if mine.height == 0:
        raise InvalidQuery(f"region {scope} is not in the store")
    return mine.row(0, named=True)


def _rule_cells(scope: str | None, rules: Sequence[str] | None,
                severities: Sequence[str] | None, engine: Engine | None) -> pl.DataFrame:
    stmt = (sa.select(flag.c.rule_id, flag.c.severity, flag.c.subject_level,
                      sa.func.count().label("flags"))
            .where(*_filters(scope, rules, severities))
            .group_by(flag.c.rule_id, flag.c.severity, flag.c.subject_level)
            .order_by(sa.desc("flags"), flag.c.rule_id, flag.c.severity))
    return fetch(stmt, engine, _COUNT)


def anomaly_rule_counts(scope: str | None = None, *, rules: Sequence[str] | None = None,
                        severities: Sequence[str] | None = None,
                        engine: Engine | None = None) -> pl.DataFrame:
    """Flags per rule, severity and subject level in ``scope``: rule_id, severity,
    subject_level, flags, suppressed. When the scope is a kecamatan or a desa, public mode hides
    the counts of record-level rules: all of them where the scope's record-level numbers are
    hidden among its siblings (:func:`anomaly_map_metrics`), else any small one with a
    complement (the rows of this table are each other's complements; none is small when the
    scope is shown, as its cells were judged)."""
    scope = check_scope(scope, "polling_station")
    frame = _rule_cells(scope, rules, severities, engine).with_columns(pl.lit(False).alias(FLAG))
    level = None if scope is None else codes.level_of(scope)
    k = None if level is None else suppression_k(level)
    is_record = ~pl.col("rule_id").is_in(list(REGION_RULES))
    if k is None:
        return frame
    parent = codes.parent_of(scope)
    whole = scope in set(hidden_codes(_suppression(level, parent, rules, severities, k, engine)))
    records = frame.filter(is_record)
    if whole:
        # Its own cells and every cell its nearest published ancestor lists, hidden (_padding).
        around = _padding([scope], rules, severities, k, engine)
        records = pl.concat([records.select("rule_id", "severity", "subject_level"),
                             around.select("rule_id", "severity", "subject_level")]).unique(
        ).with_columns(pl.lit(None, pl.Int64).alias("flags"), pl.lit(True).alias(FLAG))
    elif records.height == 0:
        return frame
    else:
        records = suppress(records.drop(FLAG), ["flags"], k).select(frame.columns)
    return pl.concat([frame.filter(~is_record), records]).sort(
        pl.col("flags").fill_null(0), "rule_id", "severity", "subject_level",
        descending=[True, False, False, False])


def region_flags(scope: str | None = None, *, rules: Sequence[str] | None = None,
                 severities: Sequence[str] | None = None, limit: int = MAX_REGION_FLAG_ROWS,
                 engine: Engine | None = None) -> pl.DataFrame:
    """Region-level flags in ``scope`` with their explanations, most severe first: region_code,
    region_name, subject_level, rule_id, severity, stage, evidence, explanation_id,
    explanation_en. Public: these flags describe regions and TPS, never a person."""
    scope = check_scope(scope, "polling_station")
    limit = max(0, min(int(limit), MAX_REGION_FLAG_ROWS))
    region = schema.region
    own, village = region.alias("own"), region.alias("village")
    severity_order = sa.case(*((flag.c.severity == s, i) for i, s in enumerate(SEVERITIES)),
                             else_=len(SEVERITIES))
    depth = sa.func.length(flag.c.region_code)
    stmt = (
        sa.select(
            flag.c.region_code,
            # a TPS has no region row: name it by its desa
            sa.func.coalesce(own.c.name, village.c.name).label("region_name"),
            flag.c.subject_level, flag.c.rule_id, flag.c.severity, flag.c.stage, flag.c.evidence,
            flag.c.explanation_id, flag.c.explanation_en,
        )
        .select_from(flag.outerjoin(own, own.c.code == flag.c.region_code)
                     .outerjoin(village, village.c.code == flag.c.village_code))
        .where(*_filters(scope, rules, severities), _is_region_rule())
        .order_by(severity_order, depth, flag.c.region_code, flag.c.rule_id, flag.c.stage)
        .limit(limit)
    )
    return fetch(stmt, engine, {})


def record_flags(scope: str | None = None, *, actor: Actor | None,
                 rules: Sequence[str] | None = None, severities: Sequence[str] | None = None,
                 limit: int | None = None, action: str = "view",
                 engine: Engine | None = None) -> pl.DataFrame:
    """Record-level flags (internal use only): region_code (the desa), record_id, rule_id,
    severity, subject_level, explanation_id, explanation_en. Never a NIK, a name or the keyed
    hash. Refused in public mode and below the analyst role (:mod:`data_access.access`); every
    read is written to the access log, as UU 27/2022 asks of data that leads back to a person."""
    scope = check_scope(scope, "polling_station")
    stmt = (sa.select(flag.c.region_code, flag.c.record_id, flag.c.rule_id, flag.c.severity,
                      flag.c.subject_level, flag.c.explanation_id, flag.c.explanation_en)
            .where(*_filters(scope, rules, severities), sa.not_(_is_region_rule()))
            .order_by(flag.c.region_code, flag.c.rule_id, flag.c.record_id, flag.c.flag_id))
    if limit is not None:
        stmt = stmt.limit(max(0, int(limit)))
    detail = f"rules={','.join(rules or [])} severities={','.join(severities or [])}"
    return audited_read(actor, "record-level anomaly flags", scope,
                        lambda: fetch(stmt, engine, {}), len, detail=detail, action=action)


def latest_run(*, engine: Engine | None = None) -> dict[str, object] | None:
    """The most recent detection run (run_id, started_at, finished_at, records_scanned, source),
    or None before the first run."""
    run = schema.anomaly_run
    stmt = sa.select(run.c.run_id, run.c.started_at, run.c.finished_at, run.c.records_scanned,
                     run.c.source).order_by(run.c.started_at.desc(), run.c.run_id).limit(1)
    frame = fetch(stmt, engine, {"started_at": pl.Datetime, "finished_at": pl.Datetime,
                                 "records_scanned": pl.Int64})
    return frame.row(0, named=True) if frame.height else None


# --- inputs of the region-level detector (pantau.anomalies.regions) ---------------------------

_FINER = {"village": 1, "district": 0}


def recap_for_detection(*, engine: Engine | None = None) -> pl.DataFrame:
    """Voter-list recaps summed to kecamatan: election, stage, region_code, voters_total.

    The detector judges kecamatan and kab/kota, so desa rows are summed per kecamatan in the
    database (about 36 thousand rows nationally instead of 420 thousand). Rows stored at kab/kota
    or province level are returned as they are. Where one kecamatan has both desa rows and its
    own row for a stage, the desa rows win, as everywhere else (the finest level present), so
    nothing is counted twice.
    """
    recap = schema.voter_list_recap
    fine = (sa.select(recap.c.election, recap.c.stage, recap.c.level,
                      recap.c.district_code.label("region_code"),
                      sa.func.sum(recap.c.voters_total).label("voters_total"))
            .where(recap.c.level.in_(list(_FINER)), recap.c.district_code.is_not(None))
            .group_by(recap.c.election, recap.c.stage, recap.c.level, recap.c.district_code))
    coarse = (sa.select(recap.c.election, recap.c.stage, recap.c.level, recap.c.region_code,
                        recap.c.voters_total)
              .where(recap.c.level.in_(["province", "regency"])))
    frame = fetch(sa.union_all(fine, coarse).subquery().select(), engine,
                  {"voters_total": pl.Int64})
    rank = pl.col("level").replace_strict(_FINER, default=-1, return_dtype=pl.Int8)
    keys = ["election", "stage", "region_code"]
    return (frame.with_columns(_rank=rank)
            .filter(pl.col("_rank") == pl.col("_rank").max().over(keys))
            .select(*keys, "voters_total").sort(keys))


def population_for_detection(*, engine: Engine | None = None) -> pl.DataFrame:
    """Adult population figures (region_code, year, adults): already one number per region."""
    pop = schema.region_population
    stmt = sa.select(pop.c.region_code, pop.c.year, pop.c.adults).order_by(
        pop.c.region_code, pop.c.year)
    return fetch(stmt, engine, {"year": pl.Int32, "adults": pl.Int64})


def polling_stations_over(limit: int = MAX_VOTERS_PER_TPS, *,
                          engine: Engine | None = None) -> pl.DataFrame:
    """TPS with more than ``limit`` voters on the DPT (code, number, voters_total): the filter
    runs in the database, so 820 thousand TPS never leave it."""
    ps = schema.polling_station
    stmt = (sa.select(ps.c.code, ps.c.number, ps.c.voters_total)
            .where(ps.c.voters_total > sa.bindparam("limit", int(limit)))
            .order_by(ps.c.code))
    return fetch(stmt, engine, {"number": pl.Int32, "voters_total": pl.Int64})


def input_is_synthetic(*, engine: Engine | None = None) -> bool:
    """Whether the voter recaps or TPS the detector reads are synthetic (the demo): the flags
    derived from them are then synthetic too."""
    ds = schema.dataset
    stmt = sa.select(sa.func.count().label("n")).where(
        ds.c.kind.in_(["voter-recap", "polling-stations"]), ds.c.synthetic.is_(True))
    return bool(fetch(stmt, engine, {"n": pl.Int64})["n"][0])


# --- writing ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnomalyRun:
    """One detection run (*anomaly_run*): what was scanned and when."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    records_scanned: int
    source: str
    synthetic: bool


def replace_flags(flags: pl.DataFrame, run: AnomalyRun, url: str | None = None) -> int:
    """Replace every anomaly flag with ``flags`` and add ``run`` to the run log, in one
    all-or-nothing write: readers see the old flags or the new ones, never a mix or none.

    Earlier ``anomaly_run`` rows stay as a log of past runs; their flags are gone.
    """
    if flags.height and not flags["run_id"].eq(run.run_id).all():
        raise ValueError(f"every flag must belong to run {run.run_id}")
    if flags.height and not flags["flag_id"].is_unique().all():
        raise ValueError("flag ids are not unique")
    with writing(url) as conn:
        conn.execute(sa.delete(flag))
        loaded = bulk_insert(conn, flag, flags) if flags.height else 0
        conn.execute(sa.insert(schema.anomaly_run).values(
            run_id=run.run_id, started_at=run.started_at, finished_at=run.finished_at,
            records_scanned=run.records_scanned, source=run.source))
        conn.execute(sa.delete(schema.dataset).where(schema.dataset.c.kind == ANOMALY_DATASET))
        record_dataset(conn, ANOMALY_DATASET, ANOMALY_DATASET, run.source,
                       synthetic=run.synthetic, row_count=loaded, note=f"run={run.run_id}")
    return loaded
