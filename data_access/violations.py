"""Violations (*pelanggaran*) aggregates, per Perbawaslu 7/2022.

Public functions here return aggregates only. Case-level rows (for example the list of overdue
cases) live in ``data_access.cases`` so the public/internal split is one module boundary.

Where a case sits: a case carries the region of the body that handles it (Bawaslu Provinsi, Kab/Kota,
a Panwascam or a PKD) and that region's ancestors. A per-region count at a level therefore only
holds the cases handled at or below that level; :func:`violations_table` adds one row per higher
handling level, so that a table's rows always add up to the headline for its scope.

Public mode hides small counts per kecamatan and desa (:mod:`data_access.privacy`): a case points
at a reported person. A region is judged by every split the public can ask of it (source,
status, category, stage and reported party of its cases, with their forwarded and overdue
counts), so that no filter of the page reveals a small part of a shown region, and the hidden
regions are the same in every view of the same cases (:func:`violations_by_region`,
:func:`violations_table`, the map, the exports).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import schema
from data_access.codes import LEVELS
from data_access.domain import (
    CASE_CATEGORIES,
    CASE_SOURCES,
    DECISION_DAYS,
    ELECTIONS,
    EXTENSION_DAYS,
    FINDINGS,
    REGISTRATION,
    REPORTED_PARTIES,
    STAGE_KEYS,
)
from data_access.privacy import (
    FINE_LEVELS,
    FLAG,
    guard_scope,
    parent_code,
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

case = schema.violation_case
BREAKDOWN_DIMENSIONS = ("source", "category", "registration", "finding", "reported_party",
                        "forwarded_to", "stage", "status", "subcategory")

# Where a case stands in the workflow of Perbawaslu 7/2022, as one value: *belum diregistrasi*
# (pending), *tidak diregistrasi* (not registered), then for registered cases the finding —
# *dalam proses* (in process), *bukan pelanggaran* (not a violation), *pelanggaran* (violation).
CASE_STATUSES: tuple[str, ...] = ("pending", "not_registered", "in_process", "not_violation",
                                  "violation")
# A registered case is overdue once its decision is later than 7 + 7 days after registration,
# or it is still undecided past that deadline.
DECISION_LIMIT_DAYS = DECISION_DAYS + EXTENSION_DAYS
LEAD_TIME_BASES = ("registration", "receipt")


def status_expression() -> sa.ColumnElement[str]:
    """The workflow status of a case; a registered case without a finding yet is in process."""
    return sa.case(
        (case.c.registration != "registered", case.c.registration),
        else_=sa.func.coalesce(case.c.finding, "in_process"),
    )


def handled_level_expression() -> sa.ColumnElement[str]:
    """The level of the body handling a case, read from its deepest non-null ancestor code."""
    return sa.case(
        (case.c.regency_code.is_(None), "province"),
        (case.c.district_code.is_(None), "regency"),
        (case.c.village_code.is_(None), "district"),
        else_="village",
    )


def decided_by(as_of: date) -> sa.ColumnElement[bool]:
    """The case had its finding on or before ``as_of`` (a later decision was still open then)."""
    return sa.and_(case.c.decided_on.is_not(None), case.c.decided_on <= as_of)


def overdue_condition(as_of: date) -> sa.ColumnElement[bool]:
    """Registered cases past the 7 + 7-day decision deadline on ``as_of``: decided late, or still
    open more than 14 days after registration."""
    days = case.c.decided_on - case.c.registered_on
    return sa.and_(
        case.c.registration == "registered", case.c.registered_on.is_not(None),
        sa.or_(
            sa.and_(decided_by(as_of), days > DECISION_LIMIT_DAYS),
            sa.and_(sa.not_(decided_by(as_of)),
                    case.c.registered_on < as_of - timedelta(days=DECISION_LIMIT_DAYS)),
        ),
    )


@dataclass(frozen=True)
class CaseFilter:
    """The filters every violations query shares; None means 'all'.

    ``category`` is only set on cases found to be violations, so filtering on it keeps violations
    of that category only. ``status`` is the one-value workflow state (see ``CASE_STATUSES``).
    """

    election: str = "pemilu2024"
    source: str | None = None
    category: str | None = None
    finding: str | None = None
    stage: str | None = None
    received_from: date | None = None
    received_until: date | None = None
    registration: str | None = None
    status: str | None = None
    reported_party: str | None = None

    def clauses(self, scope: str | None) -> list[sa.ColumnElement[bool]]:
        clauses = [case.c.election == check_choice("election", self.election, ELECTIONS),
                   in_scope(case, scope)]
        if self.source is not None:
            clauses.append(case.c.source == check_choice("source", self.source, CASE_SOURCES))
        if self.category is not None:
            clauses.append(case.c.category == check_choice("category", self.category,
                                                           CASE_CATEGORIES))
        if self.finding is not None:
            clauses.append(case.c.finding == check_choice("finding", self.finding, FINDINGS))
        if self.stage is not None:
            clauses.append(case.c.stage == check_choice("stage", self.stage, STAGE_KEYS))
        if self.received_from is not None:
            clauses.append(case.c.received_on >= self.received_from)
        if self.received_until is not None:
            clauses.append(case.c.received_on <= self.received_until)
        if self.registration is not None:
            clauses.append(case.c.registration == check_choice("registration", self.registration,
                                                               REGISTRATION))
        if self.status is not None:
            clauses.append(status_expression() == check_choice("status", self.status,
                                                               CASE_STATUSES))
        if self.reported_party is not None:
            clauses.append(case.c.reported_party == check_choice(
                "reported party", self.reported_party, REPORTED_PARTIES))
        return clauses


COUNT_DTYPES = {"cases": pl.Int64, "registered": pl.Int64, "violations": pl.Int64,
                "forwarded": pl.Int64}


def _counts() -> list[sa.ColumnElement]:
    def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    return [
        sa.func.count().label("cases"),
        count_if(case.c.registration == "registered").label("registered"),
        count_if(case.c.finding == "violation").label("violations"),
        count_if(case.c.forwarded_to.is_not(None)).label("forwarded"),
    ]


def _voters(level: str, scope: str | None) -> sa.Subquery:
    ps = schema.polling_station
    group = ps.c[f"{level}_code"]
    return (sa.select(group.label("code"), sa.func.sum(ps.c.voters_total).label("voters"))
            .where(in_scope(ps, scope)).group_by(group).subquery())


def _region_counts(level: str, scope: str | None, filters: CaseFilter,
                   engine: Engine | None) -> pl.DataFrame:
    """Per region at ``level`` in ``scope``, before any suppression: counts, voters, rate."""
    group = case.c[f"{level}_code"]
    totals = (sa.select(group.label("code"), *_counts()).where(*filters.clauses(scope),
                                                              group.is_not(None))
              .group_by(group).subquery())
    voters = _voters(level, scope)
    names = regions_at(level, scope).subquery()
    stmt = sa.select(
        names.c.region_code, names.c.region_name, *[totals.c[c] for c in COUNT_DTYPES],
        voters.c.voters,
    ).select_from(
        names.outerjoin(totals, totals.c.code == names.c.region_code)
        .outerjoin(voters, voters.c.code == names.c.region_code)
    ).order_by(names.c.region_code)
    frame = fetch(stmt, engine, {**COUNT_DTYPES, "voters": pl.Int64})
    return frame.with_columns(pl.col(list(COUNT_DTYPES)).fill_null(0)).with_columns(
        rate_per_100k=pl.when(pl.col("voters") > 0)
        .then(pl.col("cases") * 100_000 / pl.col("voters").cast(pl.Float64)))


# What the public can split a region's cases by: the page's filters (source, status — which
# carries registration and finding —, category), the shared stage filter and the reported party.
# A region is judged on every cell of this split, so each filtered view of a shown region is a
# sum of counts that are 0 or at least k, and never small itself.
_SPLITS = ("source", "status", "category", "stage", "reported_party")
_CELL_COUNTS = ("cases", "forwarded", "overdue")
SUPPRESSED_COLUMNS = (*COUNT_DTYPES, "overdue")


def _split_cells(level: str, scope: str | None, filters: CaseFilter, as_of: date,
                 engine: Engine | None) -> pl.DataFrame:
    """Cases per region at ``level`` and per split value (``_SPLITS``), with forwarded and
    overdue counts; ``handled`` rows count the cases a kecamatan's own Panwascam handles (no
    desa), which sit beside its desa whenever the parent is itself a fine level. Only the
    election and the received dates of ``filters`` apply: the other filters are the splits."""
    base = CaseFilter(election=filters.election, received_from=filters.received_from,
                      received_until=filters.received_until)
    own = case.c[f"{level}_code"]
    parent_level = LEVELS[LEVELS.index(level) - 1]
    if parent_level in FINE_LEVELS:
        parent = case.c[f"{parent_level}_code"]
        key, present = sa.func.coalesce(own, parent), sa.or_(own.is_not(None),
                                                             parent.is_not(None))
    else:
        key, present = own, own.is_not(None)
    handled = own.is_(None)
    splits = [status_expression().label("status") if name == "status"
              else case.c[name].label(name) for name in _SPLITS]
    stmt = (sa.select(key.label("region_code"), handled.label("handled"), *splits,
                      sa.func.count().label("cases"),
                      sa.func.sum(sa.case((case.c.forwarded_to.is_not(None), 1), else_=0))
                      .label("forwarded"),
                      sa.func.sum(sa.case((overdue_condition(as_of), 1), else_=0))
                      .label("overdue"))
            .where(*base.clauses(scope), present)
            .group_by(key, handled, *splits))
    return fetch(stmt, engine, {"handled": pl.Boolean, "cases": pl.Int64, "forwarded": pl.Int64,
                                "overdue": pl.Int64})


def _suppression(level: str, scope: str | None, filters: CaseFilter, as_of: date, k: int,
                 engine: Engine | None, hidden: pl.DataFrame | None = None) -> pl.DataFrame:
    """Which rows of the sibling groups under ``scope`` are hidden: region_code, handled,
    suppressed. ``hidden`` (the same shape) are rows another view already hides; they stay
    hidden here, so that no two views of the same cases hide different rows of a group."""
    cells = _split_cells(level, scope, filters, as_of, engine)
    judged = cells.group_by("region_code", "handled").agg(
        pl.col("cases").sum(),
        small(_CELL_COUNTS, k).any().alias("_small"))
    regions = fetch(regions_at(level, scope), engine, {}).select(
        "region_code", handled=pl.lit(False))
    rows = pl.concat([regions, judged.filter("handled").select("region_code", "handled")]).sort(
        "region_code", "handled")  # a fixed order: the complement among equals is the first
    rows = rows.join(judged, on=["region_code", "handled"], how="left",
                     maintain_order="left").with_columns(
        pl.col("cases").fill_null(0), pl.col("_small").fill_null(False),
        # a handled row is a part of its kecamatan, beside the kecamatan's desa
        _group=pl.when("handled").then(pl.col("region_code"))
        .otherwise(parent_code(pl.col("region_code"))))
    primary = pl.col("_small")
    if hidden is not None:
        rows = rows.join(hidden.rename({FLAG: "_before"}), on=["region_code", "handled"],
                         how="left", maintain_order="left")
        primary = primary | pl.col("_before").fill_null(False)
    return suppress(rows, ["cases"], k, group="_group", sensitive=[], primary=primary).select(
        "region_code", "handled", FLAG)


def _hide(frame: pl.DataFrame, flags: pl.DataFrame) -> pl.DataFrame:
    """Null the counts and rate of the flagged region rows of ``frame``."""
    frame = frame.drop(FLAG, strict=False).join(
        flags.filter(~pl.col("handled")).select("region_code", FLAG), on="region_code",
        how="left", maintain_order="left").with_columns(pl.col(FLAG).fill_null(False))
    hidden = [c for c in (*SUPPRESSED_COLUMNS, "rate_per_100k") if c in frame.columns]
    return frame.with_columns(pl.when(pl.col(FLAG)).then(None).otherwise(pl.col(c)).alias(c)
                              for c in hidden)


def _cut_off(filters: CaseFilter, engine: Engine | None) -> date:
    return latest_received(filters.election, engine=engine) or date.today()


def _guard(scope: str | None, filters: CaseFilter, engine: Engine | None) -> None:
    """Public mode: refuse figures of a whole kecamatan or desa whose row the table of its
    siblings hides under the same filters (its headline would republish the hidden row)."""
    def hidden(level: str, parent: str, code: str) -> bool:
        table = violations_by_region(level, parent, filters, engine=engine)
        return bool(table.filter(pl.col("region_code") == code)[FLAG].any())

    guard_scope(scope, hidden)


def violations_by_region(level: str, scope: str | None = None, filters: CaseFilter = CaseFilter(),
                         *, engine: Engine | None = None) -> pl.DataFrame:
    """Per region: cases, registered, violations, forwarded, voters (DPT), cases per 100,000
    voters and ``suppressed``. A case counts in a region at ``level`` when it was handled at or
    below that level. In public mode a suppressed kecamatan or desa has null counts and rate
    (:mod:`data_access.privacy`); its voters stay."""
    level = check_level(level)
    scope = check_scope(scope, level)
    frame = _region_counts(level, scope, filters, engine)
    k = suppression_k(level)
    if k is None:
        return frame.with_columns(pl.lit(False).alias(FLAG))
    return _hide(frame, _suppression(level, scope, filters, _cut_off(filters, engine), k, engine))


def violations_summary(scope: str | None = None, filters: CaseFilter = CaseFilter(), *,
                       engine: Engine | None = None) -> dict[str, int]:
    """Headline counts for a scope (every case in it, whatever level handled it)."""
    scope = check_scope(scope, "polling_station")
    _guard(scope, filters, engine)
    frame = fetch(sa.select(*_counts()).where(*filters.clauses(scope)), engine, COUNT_DTYPES)
    return {k: int(v or 0) for k, v in frame.row(0, named=True).items()}


def violations_breakdown(dimension: str, scope: str | None = None,
                         filters: CaseFilter = CaseFilter(), *,
                         engine: Engine | None = None) -> pl.DataFrame:
    """Cases by one dimension (source, category, registration, finding, reported party, status
    …)."""
    column = _dimension(dimension)
    scope = check_scope(scope, "polling_station")
    _guard(scope, filters, engine)
    stmt = (sa.select(column.label("value"), sa.func.count().label("cases"))
            .where(*filters.clauses(scope)).group_by(column).order_by(sa.desc("cases")))
    return fetch(stmt, engine, {"cases": pl.Int64})


def _dimension(dimension: str) -> sa.ColumnElement:
    name = check_choice("dimension", dimension, BREAKDOWN_DIMENSIONS)
    return status_expression() if name == "status" else case.c[name]


def violations_crosstab(first: str, second: str, scope: str | None = None,
                        filters: CaseFilter = CaseFilter(), *,
                        engine: Engine | None = None) -> pl.DataFrame:
    """Cases by two dimensions (``first``, ``second``, ``cases``): for example category by
    subcategory, which shows civil-servant (ASN) neutrality inside 'other law'."""
    scope = check_scope(scope, "polling_station")
    _guard(scope, filters, engine)
    a, b = _dimension(first).label(first), _dimension(second).label(second)
    if first == second:
        raise InvalidQuery("a crosstab needs two different dimensions")
    stmt = (sa.select(a, b, sa.func.count().label("cases")).where(*filters.clauses(scope))
            .group_by(a, b).order_by(sa.desc("cases"), a, b))
    return fetch(stmt, engine, {"cases": pl.Int64})


def handling_flows(scope: str | None = None, filters: CaseFilter = CaseFilter(), *,
                   engine: Engine | None = None) -> pl.DataFrame:
    """Cases by registration, finding and forwarding destination: every path a case can take
    through the workflow (received → registered → violation → forwarded to KPU, Sentra Gakkumdu,
    DKPP, KASN/BKN or Bawaslu's own adjudication). A funnel or Sankey is drawn from these few
    rows; see :func:`funnel_steps` and :func:`flow_links`."""
    scope = check_scope(scope, "polling_station")
    _guard(scope, filters, engine)
    cols = (case.c.registration, case.c.finding, case.c.forwarded_to)
    stmt = (sa.select(*cols, sa.func.count().label("cases")).where(*filters.clauses(scope))
            .group_by(*cols).order_by(*cols))
    return fetch(stmt, engine, {"cases": pl.Int64})


def funnel_steps(flows: pl.DataFrame) -> dict[str, int]:
    """Received → registered → found a violation → forwarded, from :func:`handling_flows`."""
    def total(condition: pl.Expr) -> int:
        return int(flows.filter(condition)["cases"].sum())

    registered = pl.col("registration") == "registered"
    violation = registered & (pl.col("finding") == "violation")
    return {"received": int(flows["cases"].sum()), "registered": total(registered),
            "violations": total(violation),
            "forwarded": total(violation & pl.col("forwarded_to").is_not_null())}


def flow_links(flows: pl.DataFrame) -> pl.DataFrame:
    """The links of a Sankey diagram (``source``, ``target``, ``cases``) from the rows of
    :func:`handling_flows`. Nodes are 'received', a registration value, a finding value
    ('in_process' for a registered case without one), a destination or 'not_forwarded'."""
    steps = flows.with_columns(
        finding=pl.when(pl.col("registration") == "registered")
        .then(pl.col("finding").fill_null("in_process")),
        destination=pl.when(pl.col("finding") == "violation")
        .then(pl.col("forwarded_to").fill_null("not_forwarded")),
    )
    parts = [
        steps.select(pl.lit("received").alias("source"), pl.col("registration").alias("target"),
                     "cases"),
        steps.filter(pl.col("finding").is_not_null())
        .select(pl.col("registration").alias("source"), pl.col("finding").alias("target"),
                "cases"),
        steps.filter(pl.col("destination").is_not_null())
        .select(pl.col("finding").alias("source"), pl.col("destination").alias("target"),
                "cases"),
    ]
    return (pl.concat(parts).group_by("source", "target", maintain_order=True)
            .agg(pl.col("cases").sum()).filter(pl.col("cases") > 0))


def weekly_cases(scope: str | None = None, filters: CaseFilter = CaseFilter(), *,
                 engine: Engine | None = None) -> pl.DataFrame:
    """Cases received per ISO week (Monday start) and source."""
    scope = check_scope(scope, "polling_station")
    _guard(scope, filters, engine)
    week = sa.cast(sa.func.date_trunc("week", case.c.received_on), sa.Date)
    stmt = (sa.select(week.label("week"), case.c.source, sa.func.count().label("cases"))
            .where(*filters.clauses(scope)).group_by(week, case.c.source).order_by(week))
    return fetch(stmt, engine, {"week": pl.Date, "cases": pl.Int64})


def received_between(start: date, end: date, scope: str | None = None,
                     election: str = "pemilu2024", *, engine: Engine | None = None) -> int:
    """Cases received in [start, end]: the 'last 7 days' comparisons."""
    filters = CaseFilter(election=election, received_from=start, received_until=end)
    return violations_summary(scope, filters, engine=engine)["cases"]


def latest_received(election: str = "pemilu2024", *, engine: Engine | None = None) -> date | None:
    """The data's cut-off: the last day a case was received."""
    check_choice("election", election, ELECTIONS)
    frame = fetch(sa.select(sa.func.max(case.c.received_on).label("d"))
                  .where(case.c.election == election), engine, {"d": pl.Date})
    return frame["d"][0]


def lead_time_buckets(scope: str | None = None, filters: CaseFilter = CaseFilter(),
                      as_of: date | None = None, *, engine: Engine | None = None) -> pl.DataFrame:
    """Registered cases by decision lead time against the legal 7 + 7 days: within 7 days,
    within the extension, late, and still open past the deadline (overdue) as of ``as_of``."""
    scope = check_scope(scope, "polling_station")
    _guard(scope, filters, engine)
    as_of = as_of or latest_received(filters.election, engine=engine) or date.today()
    days = case.c.decided_on - case.c.registered_on
    limit = DECISION_DAYS + EXTENSION_DAYS
    bucket = sa.case(
        (sa.and_(case.c.decided_on.is_not(None), days <= DECISION_DAYS), "within_7"),
        (sa.and_(case.c.decided_on.is_not(None), days <= limit), "within_14"),
        (case.c.decided_on.is_not(None), "late"),
        (case.c.registered_on < as_of - timedelta(days=limit), "overdue_open"),
        else_="open",
    )
    stmt = (sa.select(bucket.label("bucket"), sa.func.count().label("cases"))
            .where(*filters.clauses(scope), case.c.registration == "registered",
                   case.c.registered_on.is_not(None))
            .group_by(bucket))
    return fetch(stmt, engine, {"cases": pl.Int64})


def decision_lead_times(scope: str | None = None, filters: CaseFilter = CaseFilter(),
                        basis: str = "registration", *,
                        engine: Engine | None = None) -> pl.DataFrame:
    """Decided cases by the number of days to the decision (``days``, ``cases``), counted from
    registration (the legal clock: 7 days plus a 7-day extension) or from receipt (what the
    person who reported waits)."""
    scope = check_scope(scope, "polling_station")
    _guard(scope, filters, engine)
    start = {"registration": case.c.registered_on, "receipt": case.c.received_on}[
        check_choice("lead-time basis", basis, LEAD_TIME_BASES)]
    days = (case.c.decided_on - start).label("days")
    stmt = (sa.select(days, sa.func.count().label("cases"))
            .where(*filters.clauses(scope), case.c.registration == "registered",
                   case.c.decided_on.is_not(None), start.is_not(None))
            .group_by(days).order_by(days))
    return fetch(stmt, engine, {"days": pl.Int64, "cases": pl.Int64})


TABLE_DTYPES = {**COUNT_DTYPES, "overdue": pl.Int64, "voters": pl.Int64}


def violations_table(level: str, scope: str | None = None, filters: CaseFilter = CaseFilter(),
                     as_of: date | None = None, *, engine: Engine | None = None) -> pl.DataFrame:
    """The per-region table of a scope: every region at ``level`` (with zeros) and then one row
    per higher level that handled cases in the scope, so the rows add up to
    :func:`violations_summary`. Columns: region_code, region_name, handled_at (null for a region
    row; the handling level — 'province', 'regency', 'district' — for the others, whose code is
    the scope's and whose name is null), cases, registered, violations, forwarded, overdue (see
    :func:`overdue_condition`, as of ``as_of``, default the data's cut-off), voters, rate_per_100k
    and suppressed.

    A Bawaslu Provinsi case has no kab/kota, so on a map of kab/kota it cannot be coloured in; the
    'handled at' rows keep it in the table instead of silently dropping it. In public mode the
    kecamatan and desa rows hidden by :func:`violations_by_region` are hidden here too, and so is
    a 'handled by Panwaslu Kecamatan' row beside desa when it holds a small count (then the rows
    no longer add up to the headline: the hidden rows hold the difference)."""
    level = check_level(level)
    scope = check_scope(scope, level)
    cut_off = _cut_off(filters, engine)
    as_of = as_of or cut_off
    overdue = sa.func.sum(sa.case((overdue_condition(as_of), 1), else_=0)).label("overdue")
    group = case.c[f"{level}_code"]
    regions = _region_counts(level, scope, filters, engine)
    late = fetch(sa.select(group.label("region_code"), overdue)
                 .where(*filters.clauses(scope), group.is_not(None)).group_by(group),
                 engine, {"overdue": pl.Int64})
    handled = handled_level_expression().label("handled_at")
    above = fetch(sa.select(handled, *_counts(), overdue)
                  .where(*filters.clauses(scope), group.is_(None)).group_by(handled)
                  .order_by(handled), engine, TABLE_DTYPES)
    rows = (regions.join(late, on="region_code", how="left")
            .with_columns(pl.col("overdue").fill_null(0), handled_at=pl.lit(None, pl.Utf8)))
    k = suppression_k(level)
    fine_handled = LEVELS[LEVELS.index(level) - 1] if level != "province" else None
    if k is not None and fine_handled in FINE_LEVELS and fine_handled not in set(
            above["handled_at"]):
        # Public mode lists the Panwascam row beside desa even at zero: were it listed only when
        # it holds cases, a suppressed row would still say "at least one".
        above = pl.concat([above, pl.DataFrame(
            [{"handled_at": fine_handled, **dict.fromkeys((*COUNT_DTYPES, "overdue"), 0)}],
            schema=above.schema)])
    order = {name: i for i, name in enumerate(("province", "regency", "district", "village"))}
    above = above.sort(pl.col("handled_at").replace_strict(order, return_dtype=pl.Int64)).select(
        pl.lit(scope, pl.Utf8).alias("region_code"), pl.lit(None, pl.Utf8).alias("region_name"),
        *[pl.col(c) for c in (*COUNT_DTYPES, "overdue")], pl.lit(None, pl.Int64).alias("voters"),
        pl.lit(None, pl.Float64).alias("rate_per_100k"), "handled_at")
    if k is None:
        rows, above = (f.with_columns(pl.lit(False).alias(FLAG)) for f in (rows, above))
    else:
        flags = _suppression(level, scope, filters, cut_off, k, engine)
        if as_of != cut_off:  # the overdue column differs from the other views': judge it too
            flags = _suppression(level, scope, filters, as_of, k, engine, hidden=flags)
        rows = _hide(rows, flags)
        # The handled rows beside desa (Panwascam cases) are hidden where any kecamatan's is.
        hide_handled = fine_handled in FINE_LEVELS and bool(
            flags.filter(pl.col("handled") & pl.col(FLAG)).height)
        above = above.with_columns(
            (pl.lit(hide_handled) & (pl.col("handled_at") == fine_handled)).alias(FLAG))
        above = above.with_columns(
            pl.when(pl.col(FLAG)).then(None).otherwise(pl.col(c)).alias(c)
            for c in SUPPRESSED_COLUMNS)
    columns = ["region_code", "region_name", "handled_at", *COUNT_DTYPES, "overdue", "voters",
               "rate_per_100k", FLAG]
    return pl.concat([rows.select(columns), above.select(columns)], how="vertical_relaxed")


__all__ = ["CASE_STATUSES", "REGISTRATION", "CaseFilter", "violations_by_region",
           "violations_summary", "violations_breakdown", "violations_crosstab", "handling_flows",
           "funnel_steps", "flow_links", "weekly_cases", "lead_time_buckets",
           "decision_lead_times", "violations_table", "received_between", "latest_received"]
