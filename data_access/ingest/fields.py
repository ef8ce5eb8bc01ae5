"""Cell parsers: text in, typed value and a reason out, vectorised over millions of rows.

Each field type turns a column of cells into two columns: the parsed value (null where it cannot
be parsed) and the reason it cannot (null where it can), so a whole file is parsed in a few polars
passes and every failure can be named by row and column. Whitespace around a value is ignored;
digits are ASCII digits only.

Indonesian conventions (DOMAIN.md): ``1.234.567`` groups thousands with dots and ``12,5`` has a
decimal comma; plain digits are accepted too. A comma-grouped ``1,234,567`` is refused rather than
guessed: in Indonesian it cannot be a number, and reading it as English might be wrong. Region
codes may be dotted (Kemendagri, ``64.09.03.2001``) or undotted (KPU, ``6409032001``) and are
stored dotted, as :func:`data_access.codes.normalize` does for one value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from data_access.codes import LEVELS, Level

_SPACES = r"[\s\u00a0\u202f]"
# The largest value of a 32-bit INTEGER column (DuckDB and PostgreSQL alike): the maximum of an
# Integer field stored in one, so that a bigger number is the cell's problem instead of a
# conversion error that fails the whole load with a traceback.
INT32_MAX = 2**31 - 1


class FieldType:
    """How one column is parsed; ``dtype`` is the type of the parsed value.

    ``rules`` states the parsing as expressions over stripped text. ``parse`` applies them to a
    whole column the cheap way: types whose columns hold few distinct values (dates, codes, words)
    parse each distinct value once and map the result back; the others override ``parse`` with
    a fast path (see :class:`Integer`). Both matter at five million rows.
    """

    dtype: pl.DataType = pl.Utf8()
    label: str = "text"
    few_values: bool = True

    def rules(self, cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        """(value, reason) for a column of stripped, non-empty text."""
        raise NotImplementedError

    def parse(self, cell: pl.Series) -> tuple[pl.Series, pl.Series]:
        """(value, reason) for a column of raw cells: both null for a blank cell."""
        if not self.few_values:
            return self._apply(cell)
        distinct = cell.drop_nulls().unique()
        value, reason = self._apply(distinct)
        # Each cell's position among the distinct values, through an Enum of them: one hashing
        # pass, about half the cost of joining the parsed values back (5M cells: 0.18 s / 0.33 s).
        position = cell.cast(pl.Enum(distinct)).to_physical()
        return value.gather(position).alias("v"), reason.gather(position).alias("r")

    def _apply(self, cell: pl.Series) -> tuple[pl.Series, pl.Series]:
        stripped = pl.col("c").str.strip_chars()
        frame = pl.DataFrame({"c": cell}, schema={"c": pl.Utf8}).select(
            pl.when(stripped.str.len_bytes() > 0).then(stripped).alias("c"))
        value, reason = self.rules(pl.col("c"))
        out = frame.select(value.cast(self.dtype).alias("v"), reason.cast(pl.Utf8).alias("r"))
        return out["v"], out["r"]


@dataclass(frozen=True)
class Text(FieldType):
    """Free text, at most ``max_length`` characters (the store's column width)."""

    max_length: int = 200
    few_values: bool = False

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"text of at most {self.max_length} characters"

    def rules(self, cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        too_long = cell.str.len_chars() > self.max_length
        # PostgreSQL's text cannot hold U+0000 (its COPY fails the whole load); the reader refuses
        # NUL bytes only in a file's first 64 KiB, and a workbook cell can spell one (_x0000_).
        nul = cell.str.contains("\x00", literal=True)
        return (pl.when(~too_long & ~nul).then(cell),
                pl.when(too_long).then(pl.lit(f"longer than {self.max_length} characters"))
                .when(nul).then(pl.lit("contains a NUL character (byte 0), which text cannot "
                                       "hold")))


@dataclass(frozen=True)
class Integer(FieldType):
    """A whole number: ``1.234.567``, ``1234567`` or ``1.234.567,00`` (a zero decimal part)."""

    minimum: int = 0
    maximum: int | None = None  # e.g. a TPS number: three digits (and the extract's Int32)
    dtype: pl.DataType = pl.Int64()
    few_values: bool = False

    @property
    def label(self) -> str:  # type: ignore[override]
        if self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        return "a whole number" + (" (1 or more)" if self.minimum == 1 else "")

    def _out_of_range(self, value: pl.Expr) -> pl.Expr:
        """The reason a whole number is out of range (null when it is not)."""
        reason = pl.when(value < self.minimum).then(pl.lit(f"must be {self.minimum} or more"))
        if self.maximum is not None:
            reason = reason.when(value > self.maximum).then(
                pl.lit(f"must be {self.maximum} or less"))
        return reason

    def parse(self, cell: pl.Series) -> tuple[pl.Series, pl.Series]:
        """Plain digits are the common case and a cast parses them; only the other cells (grouped
        thousands, blanks with spaces, errors) go through the rules."""
        direct = cell.cast(pl.Int64, strict=False)
        slow = cell.is_not_null() & direct.is_null()
        out = direct < self.minimum
        if self.maximum is not None:
            out = out | (direct > self.maximum)
        reason = pl.repeat(None, cell.len(), dtype=pl.Utf8, eager=True).alias(cell.name)
        if out.fill_null(False).any():
            frame = pl.DataFrame({"v": direct}).with_columns(
                self._out_of_range(pl.col("v")).alias("r"))
            reason = frame["r"].alias(cell.name)
            direct = frame.select(pl.when(pl.col("r").is_null()).then("v"))["v"]
        if slow.any():
            positions = slow.arg_true()
            value, why = self._apply(cell.gather(positions))
            direct = direct.scatter(positions, value)
            reason = reason.scatter(positions, why)
        return direct, reason

    def rules(self, cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        text = cell.str.replace_all(_SPACES, "")
        grouped = text.str.contains(r"^[0-9]{1,3}(\.[0-9]{3})+(,0*)?$")
        plain = text.str.contains(r"^[0-9]+(,0*)?$")
        digits = text.str.replace(r",0*$", "").str.replace_all(".", "", literal=True)
        value = pl.when(grouped | plain).then(digits.cast(pl.Int64, strict=False))
        ok = grouped | plain
        reason = (
            pl.when(cell.is_null()).then(None)
            .when(ok & value.is_null()).then(pl.lit("too large a number"))
            .when(ok).then(self._out_of_range(value))
            .when(text.str.contains(r"^-[0-9]")).then(pl.lit(f"must be {self.minimum} or more"))
            .when(text.str.contains(r"^[0-9]{1,3}(\.[0-9]{3})*,[0-9]+$|^[0-9]+,[0-9]+$"))
            .then(pl.lit("not a whole number (it has a decimal part)"))
            .when(text.str.contains(r"^[0-9]{1,3}(,[0-9]{3})+$"))
            .then(pl.lit("commas do not group thousands in Indonesian: write 1.234.567 or "
                         "1234567"))
            .otherwise(pl.lit("not a whole number (write 1.234.567 or 1234567)"))
        )
        return pl.when(reason.is_null()).then(value), reason


_ISO = r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
_DMY_DASH = r"^([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})$"
_DMY_SLASH = r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$"
EARLIEST_YEAR, LATEST_YEAR = 1800, 2100


@dataclass(frozen=True)
class Date(FieldType):
    """A calendar date as ``YYYY-MM-DD``, ``DD-MM-YYYY`` or ``DD/MM/YYYY`` (an XLSX date cell
    arrives as ``YYYY-MM-DD``). Impossible dates (30 February) are refused, not rolled over."""

    dtype: pl.DataType = pl.Date()
    label: str = "a date (YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY)"

    def rules(self, cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        def part(pattern: str, group: int) -> pl.Expr:
            return cell.str.extract(pattern, group).cast(pl.Int32, strict=False)

        year = pl.coalesce(part(_ISO, 1), part(_DMY_DASH, 3), part(_DMY_SLASH, 3))
        month = pl.coalesce(part(_ISO, 2), part(_DMY_DASH, 2), part(_DMY_SLASH, 2))
        day = pl.coalesce(part(_ISO, 3), part(_DMY_DASH, 1), part(_DMY_SLASH, 1))
        canonical = pl.format("{}-{}-{}", year.cast(pl.Utf8).str.zfill(4),
                              month.cast(pl.Utf8).str.zfill(2), day.cast(pl.Utf8).str.zfill(2))
        value = canonical.str.to_date("%Y-%m-%d", strict=False)
        reason = (
            pl.when(cell.is_null()).then(None)
            .when(year.is_null()).then(pl.lit(f"not {self.label}"))
            .when((month < 1) | (month > 12)).then(pl.format("impossible date: there is no month {}",
                                                             month))
            .when(value.is_null()).then(pl.lit("impossible date: that month has no such day"))
            .when((year < EARLIEST_YEAR) | (year > LATEST_YEAR))
            .then(pl.format("implausible year {}", year))
        )
        return pl.when(reason.is_null()).then(value), reason


def dotted_code(digits: pl.Expr) -> pl.Expr:
    """The dotted form of an undotted code of 2, 4, 6, 10 or 13 digits (else null)."""
    n = digits.str.len_chars()
    seg = [digits.str.slice(0, 2), digits.str.slice(2, 2), digits.str.slice(4, 2),
           digits.str.slice(6, 4), digits.str.slice(10, 3)]
    return (
        pl.when(n == 2).then(seg[0])
        .when(n == 4).then(pl.concat_str(seg[:2], separator="."))
        .when(n == 6).then(pl.concat_str(seg[:3], separator="."))
        .when(n == 10).then(pl.concat_str(seg[:4], separator="."))
        .when(n == 13).then(pl.concat_str(seg, separator="."))
    )


def level_of_code(code: pl.Expr) -> pl.Expr:
    """The level of a canonical dotted code, from its number of dots."""
    return code.str.count_matches(".", literal=True).replace_strict(
        dict(enumerate(LEVELS)), default=None, return_dtype=pl.Utf8)


@dataclass(frozen=True)
class RegionCode(FieldType):
    """A Kemendagri code, dotted or undotted, at one of ``levels``; stored dotted."""

    levels: tuple[Level, ...] = ("province", "regency", "district", "village")

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"a {'/'.join(self.levels)} code"

    def rules(self, cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        text = cell.str.strip_prefix("'")  # a spreadsheet's "keep as text" mark
        dotted = text.str.contains(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4}(\.[0-9]{3})?)?)?)?$")
        undotted = pl.when(text.str.contains(r"^[0-9]+$")).then(dotted_code(text))
        canonical = pl.when(dotted).then(text).otherwise(undotted)
        level = level_of_code(canonical)
        reason = (
            pl.when(cell.is_null()).then(None)
            .when(canonical.is_null())
            .then(pl.lit("not a region code (write it dotted, 64.09.03.2001, or undotted, "
                         "6409032001)"))
            .when(~level.is_in(list(self.levels)))
            .then(pl.format("a {} code where {} is expected", level, pl.lit(self.label)))
        )
        return pl.when(reason.is_null()).then(canonical), reason


def normalised_word(cell: pl.Expr) -> pl.Expr:
    """Lower case, single spaces: how vocabulary cells and headers are compared."""
    return cell.str.to_lowercase().str.replace_all(r"[\s\u00a0_]+", " ").str.strip_chars()


@dataclass(frozen=True)
class Choice(FieldType):
    """One of a fixed vocabulary; ``spellings`` maps each accepted spelling (lower case, English
    key or Indonesian term) to the stored key."""

    spellings: Mapping[str, str] = None  # type: ignore[assignment]
    what: str = "value"

    @property
    def label(self) -> str:  # type: ignore[override]
        keys = list(dict.fromkeys(self.spellings.values()))
        return f"one of {', '.join(keys)}"

    def rules(self, cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        value = normalised_word(cell).replace_strict(dict(self.spellings), default=None,
                                                     return_dtype=pl.Utf8)
        reason = pl.when(cell.is_not_null() & value.is_null()).then(
            pl.lit(f"not a known {self.what}: expected {self.label}"))
        return value, reason


def choice(keys: tuple[str, ...] | list[str], what: str,
           aliases: Mapping[str, str] | None = None) -> Choice:
    """A Choice accepting each key in any case, plus Indonesian ``aliases`` → key."""
    spellings = {k.lower(): k for k in keys}
    spellings.update({a.lower(): k for a, k in (aliases or {}).items()})
    return Choice(spellings=spellings, what=what)


YES = ("ya", "y", "yes", "true", "1", "benar", "ada")
NO = ("tidak", "t", "no", "n", "false", "0", "salah", "tidak ada")


@dataclass(frozen=True)
class Boolean(FieldType):
    """Yes/no: ``ya``/``tidak``, ``y``/``t``, ``true``/``false``, ``1``/``0``, ``ada``/``tidak ada``."""

    dtype: pl.DataType = pl.Boolean()
    label: str = "yes or no (ya/tidak)"

    def rules(self, cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        mapping = {**dict.fromkeys(YES, True), **dict.fromkeys(NO, False)}
        value = normalised_word(cell).replace_strict(mapping, default=None,
                                                     return_dtype=pl.Boolean)
        reason = pl.when(cell.is_not_null() & value.is_null()).then(
            pl.lit(f"not {self.label}"))
        return value, reason


@dataclass(frozen=True)
class Field:
    """One canonical column of a kind: name, type, whether required, Indonesian aliases, and how
    to mask its values in messages when it holds personal data (``digits`` / ``full``)."""

    name: str
    type: FieldType
    required: bool = False
    aliases: tuple[str, ...] = ()
    personal: str | None = None
    doc: str = ""
    needs_column: bool = False  # the column must exist even though its cells may be blank
