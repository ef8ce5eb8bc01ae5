"""Benchmark record-level anomaly detection on 2, 5 and 10 million synthetic voter records.

Scaling: Kalimantan Timur (province 64, 2.78 million voters on 11,441 real TPS) is generated
once per replica. Replica r >= 1 is the same TPS structure with its kab/kota codes moved to
unused numbers (64.20-64.29 for r = 1, 64.30-64.39 for r = 2, ..., up to 64.90-64.99: at most 8
replicas, 22 million records), its kecamatan added to the valid region list, its record ids
prefixed ``64r{r}-`` and its clean NIK serials shifted by 1000·r so replicas share no NIK. Each
replica uses its own seed, so names, NIKs and plants differ. A size of N reads the first N rows
of the replicas in order, so every size has the same anomaly rates.

Each size runs ``detect_record_anomalies`` end to end (streaming scan of the Parquet files to the
finished flag frame) in a fresh subprocess, which reports wall time, CPU time and peak RSS. The
20-million figure is a linear extrapolation from the measured sizes.

    .venv/bin/python bench/anomaly_pipeline.py                 # 2, 5, 10 million
    .venv/bin/python bench/anomaly_pipeline.py --sizes 1,2 --data-dir /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pantau.anomalies.records import detect_record_anomalies  # noqa: E402
from pantau.demo.voter_records import generate_voter_records, write_extract  # noqa: E402
from pantau.demo.voters import voters_per_station  # noqa: E402
from pantau.reference import load_polling_stations, load_province_dpt, load_regions  # noqa: E402
from pantau.settings import get_settings  # noqa: E402

PROVINCE = "64"
SEED = 2024
# Unused kab/kota numbers for replicas 1..7 (kabupaten run 01-69, kota 71-79; 64 uses 01-11, 71-74).
REPLICA_STARTS = (20, 30, 40, 50, 60, 80, 90)
ELECTION_DAY = date(2024, 2, 14)


def _remap(code: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    """Replace the kab/kota part (first 5 characters) of a dotted code."""
    return code.str.slice(0, 5).replace_strict(mapping) + code.str.slice(5)


def _mapping(regencies: list[str], replica: int) -> dict[str, str]:
    if replica == 0:
        return {r: r for r in regencies}
    if replica > len(REPLICA_STARTS) or len(regencies) > 10:
        raise ValueError(f"at most {len(REPLICA_STARTS) + 1} replicas of a province with <= 10 "
                         "kab/kota fit the unused code ranges")
    start = REPLICA_STARTS[replica - 1]
    return {r: f"{PROVINCE}.{start + i:02d}" for i, r in enumerate(sorted(regencies))}


def reference_frames() -> tuple[pl.DataFrame, pl.DataFrame, pl.Series]:
    """Real regions, the province's TPS with synthetic voters, and the valid kecamatan codes.

    Generation uses the real region list only (migrants carry real codes), so a cached part
    does not depend on how many replicas exist; detection accepts every replica's kecamatan.
    """
    ref = get_settings().reference_dir
    regions = load_regions(ref)
    stations = load_polling_stations(ref).filter(pl.col("province_code") == PROVINCE)
    dpt = load_province_dpt(ref).filter(pl.col("province_code") == PROVINCE)
    stations = voters_per_station(stations, dpt, np.random.default_rng(SEED))
    regencies = sorted(set(stations["regency_code"]))
    districts = regions.filter(pl.col("level") == "district")["code"]
    own = districts.filter(districts.str.starts_with(f"{PROVINCE}."))
    replicas = [own.to_frame().select(_remap(pl.col("code"), _mapping(regencies, r))).to_series()
                for r in range(1, len(REPLICA_STARTS) + 1)]
    return regions, stations, pl.concat([districts, *replicas])


def replica_stations(stations: pl.DataFrame, replica: int) -> pl.DataFrame:
    mapping = _mapping(sorted(set(stations["regency_code"])), replica)
    cols = ("code", "regency_code", "district_code", "village_code")
    return stations.with_columns([_remap(pl.col(c), mapping).alias(c) for c in cols])


def generate_part(data_dir: Path, replica: int) -> dict:
    """Child process: generate and write one replica."""
    regions, stations, _ = reference_frames()
    start = time.perf_counter()
    extract = generate_voter_records(regions, replica_stations(stations, replica), PROVINCE,
                                     SEED + replica)
    records = extract.records
    if replica:
        # Voters who moved carry real kecamatan codes, so replicas would share NIKs: shift the
        # clean serials (< 1000) by 1000 per replica. Planted serials (>= 5000) stay.
        nik = pl.col("nik")
        serial = nik.str.slice(12, 4).cast(pl.Int32, strict=False)
        shift = (nik.str.len_bytes() == 16) & (serial < 1000)
        records = records.with_columns(
            record_id=pl.col("record_id").str.replace(f"{PROVINCE}-", f"{PROVINCE}r{replica}-",
                                                      literal=True),
            nik=pl.when(shift).then(nik.str.slice(0, 12) + (serial + 1000 * replica)
                                    .cast(pl.Utf8).str.zfill(4)).otherwise(nik),
        )
    seconds = time.perf_counter() - start
    write_extract(records, data_dir / f"part-{replica}.parquet")
    return {"replica": replica, "records": records.height, "generate_s": round(seconds, 2),
            "peak_rss_mb": round(_maxrss_mb())}


def detect_size(data_dir: Path, size: int, replicas: int) -> dict:
    """Child process: time detect_record_anomalies on the first ``size`` records."""
    _, _, districts = reference_frames()
    parts = [str(data_dir / f"part-{r}.parquet") for r in range(replicas)]
    baseline = _maxrss_mb()
    cpu0 = _cpu()
    start = time.perf_counter()
    flags = detect_record_anomalies(pl.scan_parquet(parts).head(size), districts, ELECTION_DAY,
                                    "bench-key", "bench")
    seconds = time.perf_counter() - start
    return {"records": size, "seconds": round(seconds, 2), "cpu_s": round(_cpu() - cpu0, 2),
            "peak_rss_mb": round(_maxrss_mb()), "baseline_rss_mb": round(baseline),
            "flags": flags.height}


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fit(xs: list[float], ys: list[float], at: float) -> float:
    slope, intercept = np.polyfit(xs, ys, 1) if len(xs) > 1 else (ys[0] / xs[0], 0.0)
    return float(slope * at + intercept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,5,10", help="millions of records, comma-separated")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data" / "bench" / "anomalies")
    parser.add_argument("--regenerate", action="store_true", help="ignore cached extracts")
    parser.add_argument("--_part", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--_detect", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--_replicas", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args._part is not None:
        print(json.dumps(generate_part(args.data_dir, args._part)))
        return
    if args._detect is not None:
        print(json.dumps(detect_size(args.data_dir, args._detect, args._replicas)))
        return

    sizes = [int(float(s) * 1_000_000) for s in args.sizes.split(",")]
    per_replica = int(reference_frames()[1]["voters_total"].sum())
    replicas = math.ceil(max(sizes) / per_replica)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    print(f"province {PROVINCE}: {per_replica:,} records per replica, {replicas} replica(s), "
          f"data in {args.data_dir}")
    for r in range(replicas):
        path = args.data_dir / f"part-{r}.parquet"
        if path.exists() and not args.regenerate:
            print(f"  part {r}: reusing {path.name}")
            continue
        info = _child("--_part", str(r), "--data-dir", str(args.data_dir))
        print(f"  part {r}: generated {info['records']:,} records in {info['generate_s']} s "
              f"(peak RSS {info['peak_rss_mb']} MB)")

    print(f"\n{'records':>12} {'wall s':>8} {'cpu s':>8} {'peak RSS MB':>12} {'before MB':>10} "
          f"{'flags':>8}")
    results = []
    for size in sizes:
        res = _child("--_detect", str(size), "--_replicas", str(replicas),
                     "--data-dir", str(args.data_dir))
        results.append(res)
        print(f"{res['records']:>12,} {res['seconds']:>8} {res['cpu_s']:>8} "
              f"{res['peak_rss_mb']:>12,} {res['baseline_rss_mb']:>10,} {res['flags']:>8,}")
    xs = [r["records"] for r in results]
    target = 20_000_000
    print("(before MB: the subprocess's peak RSS before detection: interpreter, polars, "
          "region reference)")
    print(f"\nlinear extrapolation to {target:,} records: "
          f"{_fit(xs, [r['seconds'] for r in results], target):.1f} s wall, "
          f"{_fit(xs, [r['cpu_s'] for r in results], target):.1f} s CPU, "
          f"{_fit(xs, [r['peak_rss_mb'] for r in results], target):,.0f} MB peak RSS "
          f"(goal < 60 s and < 6,144 MB on 2 cores)")
    for a, b in zip(results, results[1:], strict=False):
        print(f"  {a['records'] / 1e6:g}M -> {b['records'] / 1e6:g}M: records x"
              f"{b['records'] / a['records']:.2f}, time x{b['seconds'] / a['seconds']:.2f}, "
              f"memory x{b['peak_rss_mb'] / a['peak_rss_mb']:.2f}")


if __name__ == "__main__":
    main()
