"""Build the deterministic synthetic demo store: real regions and TPS, synthetic everything else.

The whole store is written in one all-or-nothing load (``data_access.store.writing``), so a
dashboard open during a rebuild keeps answering from the previous store until the swap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from tqdm import tqdm

from data_access import schema
from data_access.store import bulk_insert, flush, record_dataset, writing
from pantau import reference
from pantau.settings import get_settings

DEMO_SOURCE = "Pantau demo generator (synthetic; regions and TPS are the real 2024 reference)"
VOTER_EXTRACT_PROVINCE = "64"  # Kalimantan Timur: ~2.78 million voters, home of IKN


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Scope:
    """National, or one province (faster: for development and tests)."""

    province: str | None

    @classmethod
    def parse(cls, text: str) -> Scope:
        if text == "national":
            return cls(None)
        from data_access.codes import level_of, normalize

        code = normalize(text)
        if level_of(code) != "province":
            raise ValueError(f"--scope takes 'national' or a province code, not {text!r}")
        return cls(code)

    def frame(self, frame: pl.DataFrame, column: str = "province_code") -> pl.DataFrame:
        return frame if self.province is None else frame.filter(pl.col(column) == self.province)


def extract_path(data_dir: Path, province: str) -> Path:
    """Where a province's voter extract lives (demo or ingested): personal data, so on the
    internal machine's disk only, never in the store."""
    return data_dir / "extracts" / f"voter_records_{province}.parquet"


def build_demo(seed: int = 2024, scope: Scope = Scope(None), url: str | None = None,
               progress: bool = True) -> dict[str, int]:
    """Generate and load the demo store; returns row counts per table."""
    from pantau.anomalies.records import detect_record_anomalies
    from pantau.anomalies.regions import detect_region_anomalies
    from pantau.demo.compliance import generate_compliance
    from pantau.demo.violations import generate_violations
    from pantau.demo.voter_records import generate_voter_records, write_extract
    from pantau.demo.voters import generate_voters

    settings = get_settings()
    bar = tqdm(total=7, desc="demo", unit="step", disable=not progress)
    step: Callable[[str], None] = lambda name: (bar.set_postfix_str(name), bar.update(1))  # noqa: E731

    regions = reference.load_regions(settings.reference_dir)
    stations = reference.load_polling_stations(settings.reference_dir)
    province_dpt = reference.load_province_dpt(settings.reference_dir)
    regions_in = scope.frame(regions)
    stations_in = scope.frame(stations)
    dpt_in = scope.frame(province_dpt)
    step("reference")

    voters = generate_voters(stations_in, regions_in, dpt_in, seed)
    step("voters")
    counts: dict[str, int] = {}
    with writing(url, fresh=True) as conn:
        def load(table: sa.Table, frame: pl.DataFrame) -> None:
            counts[table.name] = counts.get(table.name, 0) + bulk_insert(conn, table, frame)
            flush(conn)

        load(schema.region, regions_in)
        load(schema.polling_station, voters.polling_stations)
        load(schema.voter_list_recap, voters.recap)
        load(schema.region_population, voters.population)
        load(schema.demo_ground_truth, voters.ground_truth)

        compliance = generate_compliance(regions_in, stations_in, seed)
        load(schema.supervisor, compliance.supervisor)
        load(schema.report_obligation, compliance.report_obligation)
        load(schema.supervision_report, compliance.supervision_report)
        load(schema.demo_ground_truth, compliance.ground_truth)
        del compliance
        step("compliance")

        by_regency = voters.polling_stations.group_by("regency_code").agg(
            pl.col("voters_total").sum().cast(pl.Int64))
        violations = generate_violations(regions_in, by_regency, seed)
        load(schema.violation_case, violations.violation_case)
        load(schema.violation_event, violations.violation_event)
        load(schema.demo_ground_truth, violations.ground_truth)
        step("violations")

        run_id = f"demo-{seed}"
        extract_province = scope.province or VOTER_EXTRACT_PROVINCE
        extract = generate_voter_records(regions_in, voters.polling_stations, extract_province, seed)
        path = extract_path(settings.data_dir, extract_province)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_extract(extract.records, path)
        load(schema.demo_ground_truth, extract.ground_truth)
        step("voter extract")

        districts = set(regions.filter(pl.col("level") == "district")["code"])
        record_flags = detect_record_anomalies(
            pl.scan_parquet(path), districts, date(2024, 2, 14), settings.anomaly_hmac_key, run_id)
        region_flags = detect_region_anomalies(
            voters.recap, voters.population, voters.polling_stations, run_id)
        flags = pl.concat([region_flags, record_flags], how="diagonal_relaxed")
        flags = flags.with_columns(flag_id=pl.int_range(1, flags.height + 1, dtype=pl.Int64))
        load(schema.anomaly_flag, flags)
        conn.execute(schema.anomaly_run.insert().values(
            run_id=run_id, started_at=_now(), finished_at=_now(),
            records_scanned=extract.records.height, source=f"demo voter extract {path.name}"))
        step("anomalies")

        for table, kind in ((schema.region, "regions"), (schema.polling_station, "polling-stations"),
                            (schema.voter_list_recap, "voter-recap"),
                            (schema.supervisor, "supervisors"),
                            (schema.report_obligation, "report-obligations"),
                            (schema.supervision_report, "supervision-reports"),
                            (schema.violation_case, "violations"),
                            (schema.anomaly_flag, "anomalies")):
            synthetic = kind != "regions"
            source = ("KPU region list 2024 (real)" if not synthetic else DEMO_SOURCE)
            if kind == "polling-stations":
                source = "KPU TPS list 2024 (real); voters per TPS synthetic, summing to real DPT"
            record_dataset(conn, f"demo:{kind}", kind, source, synthetic=synthetic,
                           row_count=counts.get(table.name, 0), note=f"seed={seed}")
        step("store")
    bar.close()
    return counts

