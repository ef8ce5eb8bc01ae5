"""The election's real region and polling-station reference, read from the reference folder.

The 2024 election's list is KPU's (38 provinces, 514 kab/kota, 7,277 kecamatan, 83,731 desa) and
its TPS table (820,161 in-country). Files are read from ``settings.reference_dir`` so an operator
can point Pantau at official files with the same columns. Codes arrive undotted (KPU) and leave in
the canonical dotted form.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from data_access.codes import REGION_LEVELS

VINTAGE = "2024"
_LEVEL_BY_DIGITS = {2: "province", 4: "regency", 6: "district", 10: "village"}


def _dotted(expr: pl.Expr) -> pl.Expr:
    """Vectorised dotted form of an undotted code column (any level up to the village)."""
    digits = expr.str.replace_all(r"\.", "")
    n = digits.str.len_chars()
    return (
        pl.when(n <= 2).then(digits)
        .when(n <= 4).then(pl.concat_str([digits.str.slice(0, 2), digits.str.slice(2, 2)], separator="."))
        .when(n <= 6).then(pl.concat_str([digits.str.slice(0, 2), digits.str.slice(2, 2),
                                          digits.str.slice(4, 2)], separator="."))
        .otherwise(pl.concat_str([digits.str.slice(0, 2), digits.str.slice(2, 2),
                                  digits.str.slice(4, 2), digits.str.slice(6, 4)], separator="."))
    )


def with_ancestry(frame: pl.DataFrame, code_column: str = "code") -> pl.DataFrame:
    """Add province/regency/district/village code columns derived from a dotted code column."""
    code = pl.col(code_column)
    exprs = []
    for depth, level in enumerate(REGION_LEVELS, start=1):
        width = (2, 5, 8, 13)[depth - 1]  # length of the dotted prefix at this level
        exprs.append(
            pl.when(code.str.len_chars() >= width).then(code.str.slice(0, width))
            .otherwise(None).alias(f"{level}_code")
        )
    return frame.with_columns(exprs)


def load_regions(reference_dir: Path) -> pl.DataFrame:
    """Regions of the 2024 election: code, level, parent_code, name, vintage and ancestry."""
    raw = pl.read_csv(reference_dir / "region_names_kpu_2024.csv", schema_overrides={"code": pl.Utf8})
    regions = raw.with_columns(
        level=pl.col("code").str.len_chars().replace_strict(_LEVEL_BY_DIGITS, return_dtype=pl.Utf8),
        code=_dotted(pl.col("code")),
        name=pl.col("name").str.strip_chars(),
    ).with_columns(
        parent_code=pl.when(pl.col("level") == "province").then(None)
        .otherwise(pl.col("code").str.replace(r"\.[0-9]+$", "")),
        vintage=pl.lit(VINTAGE),
    )
    return with_ancestry(regions).select(
        "code", "level", "parent_code", "name", "vintage",
        "province_code", "regency_code", "district_code", "village_code",
    ).sort("code")


def load_polling_stations(reference_dir: Path) -> pl.DataFrame:
    """One row per TPS: regular TPS 001..n and the special-location range 9xx of each desa."""
    tps = pl.read_csv(
        reference_dir / "tps_per_village_2024.csv",
        schema_overrides={"village_code": pl.Utf8, "regular_tps": pl.Int32,
                          "special_tps_first": pl.Int32, "special_tps_last": pl.Int32},
    ).with_columns(village_code=_dotted(pl.col("village_code")))
    regular = (
        tps.select("village_code", number=pl.int_ranges(1, pl.col("regular_tps") + 1))
        .explode("number")
        .with_columns(special=pl.lit(False))
    )
    special = (
        tps.filter(pl.col("special_tps_first").is_not_null())
        .select("village_code",
                number=pl.int_ranges(pl.col("special_tps_first"), pl.col("special_tps_last") + 1))
        .explode("number")
        .with_columns(special=pl.lit(True))
    )
    stations = pl.concat([regular, special]).drop_nulls("number").with_columns(
        pl.col("number").cast(pl.Int32),
        code=pl.concat_str([pl.col("village_code"),
                            pl.col("number").cast(pl.Utf8).str.zfill(3)], separator="."),
    )
    return with_ancestry(stations, "village_code").select(
        "code", "number", "special", "province_code", "regency_code", "district_code",
        "village_code",
    ).sort("code")


def load_province_dpt(reference_dir: Path) -> pl.DataFrame:
    """Final voter list (DPT) per province, by sex where published (two provinces lack L/P)."""
    return pl.read_csv(
        reference_dir / "dpt_2024_province.csv",
        schema_overrides={"province_code": pl.Utf8},
        columns=["province_code", "province_name", "dpt", "dpt_male", "dpt_female", "tps"],
    )


def load_national_dpt(reference_dir: Path) -> dict[str, int]:
    """In-country DPT totals (dalam negeri): the figure every national number must reproduce."""
    row = pl.read_csv(reference_dir / "dpt_2024_national.csv").filter(
        pl.col("scope") == "dalam_negeri").row(0, named=True)
    return {"dpt": row["dpt"], "dpt_male": row["dpt_male"], "dpt_female": row["dpt_female"],
            "tps": row["tps"]}
