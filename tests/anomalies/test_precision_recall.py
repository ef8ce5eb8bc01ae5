"""Detection scored against the generator's ground truth on a two-kab/kota slice of Kaltim.

Goal per planted kind: recall >= 0.95 and precision >= 0.9. Run with ``-s`` to see the table.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pantau.anomalies.common import FLAG_SCHEMA
from pantau.anomalies.records import detect_record_anomalies
from pantau.demo.voter_records import (
    CONTROL_KINDS,
    GROUND_TRUTH_SCHEMA,
    MIN_GROUP_PLANTS,
    MIN_PLANTS,
    RECORD_SCHEMA,
    write_extract,
)
from tests.anomalies.conftest import ELECTION_DAY, HMAC_KEY, Slice

GROUP_KINDS = {"tps_overfull", "crowded_family_card", "crowded_address"}


def flag_subjects(flags: pl.DataFrame) -> pl.DataFrame:
    """The ground-truth subject of each flag: the TPS code for TPS flags, else the record id."""
    tps = pl.col("evidence").str.json_path_match("$.tps_number").str.zfill(3)
    return flags.select(
        kind=pl.col("rule_id"),
        subject=pl.when(pl.col("rule_id") == "tps_overfull")
        .then(pl.col("region_code") + pl.lit(".") + tps).otherwise(pl.col("record_id")),
    )


def score(flags: pl.DataFrame, truth: pl.DataFrame) -> dict[str, tuple[int, int, float, float]]:
    found = flag_subjects(flags)
    out = {}
    for kind in sorted(set(truth["kind"]) - set(CONTROL_KINDS)):
        planted = set(truth.filter(pl.col("kind") == kind)["subject"])
        flagged = set(found.filter(pl.col("kind") == kind)["subject"])
        hits = len(planted & flagged)
        out[kind] = (len(planted), len(flagged), hits / len(planted),
                     hits / len(flagged) if flagged else 0.0)
    return out


def test_extract_matches_ingest_and_store_schemas(kaltim_slice: Slice) -> None:
    records, truth = kaltim_slice.extract.records, kaltim_slice.extract.ground_truth
    assert dict(records.schema) == RECORD_SCHEMA
    assert dict(truth.schema) == GROUND_TRUTH_SCHEMA
    assert records.height > 200_000
    assert records["record_id"].is_unique().all()
    assert truth.select("domain", "kind", "subject").is_unique().all()
    assert dict(kaltim_slice.flags.schema) == FLAG_SCHEMA


def test_every_kind_planted_in_useful_numbers(kaltim_slice: Slice) -> None:
    counts = dict(kaltim_slice.extract.ground_truth.group_by("kind").len().iter_rows())
    for kind, n in counts.items():
        assert n >= (MIN_GROUP_PLANTS if kind in GROUP_KINDS else MIN_PLANTS), kind
    assert len(counts) == 13


def test_precision_and_recall_per_kind(kaltim_slice: Slice) -> None:
    result = score(kaltim_slice.flags, kaltim_slice.extract.ground_truth)
    print("\nkind                    planted flagged  recall  precision")
    for kind, (planted, flagged, recall, precision) in result.items():
        print(f"{kind:24s}{planted:8d}{flagged:8d}{recall:8.3f}{precision:11.3f}")
    assert set(result) == set(kaltim_slice.flags["rule_id"])  # no rule fires on clean data
    for kind, (_, _, recall, precision) in result.items():
        assert recall >= 0.95, kind
        assert precision >= 0.9, kind


def test_married_minors_are_not_flagged(kaltim_slice: Slice) -> None:
    controls = kaltim_slice.extract.ground_truth.filter(
        pl.col("kind") == "control_married_minor")["subject"]
    assert controls.len() >= MIN_PLANTS
    assert kaltim_slice.flags.filter(pl.col("record_id").is_in(controls.implode())).height == 0



def test_csv_ingest_format_gives_the_same_flags(kaltim_slice: Slice, tmp_path: Path) -> None:
    """The CSV written by write_extract, read back as plain text, yields identical flags."""
    path = write_extract(kaltim_slice.extract.records, tmp_path / "slice.csv")
    as_text = pl.scan_csv(path, infer_schema=False)  # every column a string, as ingest sees it
    csv = detect_record_anomalies(as_text, kaltim_slice.districts, ELECTION_DAY, HMAC_KEY,
                                  "slice-run")
    assert csv.sort("flag_id").equals(kaltim_slice.flags.sort("flag_id"))
