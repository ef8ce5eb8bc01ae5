"""Tentang Data — where every number comes from: datasets, load times, the ingest audit log,
methodology, and a plain statement when the data is synthetic."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, shell
from dashboard.components import labelled
from pantau.formatting import format_number

ctx = shell.context()
state, tr = ctx.state, ctx.tr
lang = state.lang

st.title(tr("About the data"))
datasets = data.datasets()
if datasets["synthetic"].any():
    st.error(tr("This store holds simulated data made by Pantau's demo generator. Regions and "
                "polling stations are the real 2024 reference; voters per TPS sum to the real "
                "DPT per province; violations, reports and voter records are synthetic and are "
                "not official figures."))

st.subheader(tr("Datasets"))
st.dataframe(
    datasets.select(
        pl.col("kind").alias(tr("Dataset")), pl.col("source").alias(tr("Source")),
        pl.col("synthetic").replace_strict({True: tr("Simulated"), False: tr("Real")},
                                           return_dtype=pl.Utf8).alias(tr("Nature")),
        pl.col("loaded_at").dt.strftime("%Y-%m-%d %H:%M UTC").alias(tr("Loaded at")),
        labelled(datasets, "row_count", lambda n: format_number(n, lang)).alias(tr("Rows")),
    ),
    hide_index=True, width="stretch",
)

st.subheader(tr("Regions in the store"))
counts = data.counts_by_level()
st.write(", ".join(f"{name}: {format_number(counts.get(level, 0), lang)}"
                   for level, name in shell.LEVEL_NAMES.items()))

st.subheader(tr("Loaded files"))
st.caption(tr("Where each dataset comes from, by the ingest audit log: the file, when it was "
              "loaded, and how many of its rows were read, accepted and rejected. A rejected file "
              "changes nothing in the store; its reasons are written beside the file."))
sources = data.ingest_sources()
status_names = {"loaded": tr("Loaded"), "partial": tr("Partly loaded")}


def _count(column: str) -> pl.Expr:
    return labelled(sources, column, lambda n: format_number(n, lang))


if sources.height:
    st.dataframe(
        sources.select(
            pl.col("kind").alias(tr("Dataset")), pl.col("file_name").alias(tr("Source")),
            pl.col("loaded_at").dt.strftime("%Y-%m-%d %H:%M UTC").alias(tr("Loaded at")),
            _count("rows_read").alias(tr("Rows read")),
            _count("rows_accepted").alias(tr("Accepted")),
            _count("rows_rejected").alias(tr("Rejected")),
            pl.col("status").replace(status_names).alias(tr("Status")),
            pl.col("file_sha256").str.slice(0, 12).alias("SHA-256"),
            _count("loads").alias(tr("Loads")),
        ),
        hide_index=True, width="stretch",
    )
    with st.expander(tr("Ingest log")):
        log = data.ingest_log()
        st.dataframe(
            log.select(
                pl.col("audit_id").alias("#"),
                pl.col("finished_at").dt.strftime("%Y-%m-%d %H:%M:%S UTC").alias(tr("Loaded at")),
                pl.col("kind").alias(tr("Dataset")), pl.col("file_name").alias(tr("Source")),
                _count("rows_read").alias(tr("Rows read")),
                _count("rows_accepted").alias(tr("Accepted")),
                _count("rows_rejected").alias(tr("Rejected")),
                pl.col("status").replace(status_names).alias(tr("Status")),
                pl.col("file_sha256").alias("SHA-256"), pl.col("message").alias(tr("Notes")),
            ),
            hide_index=True, width="stretch",
        )
else:
    st.caption(tr("No file has been ingested into this store yet."))

st.subheader(tr("Methodology"))
st.markdown(tr(
    "- **Compliance** = reports filed ÷ reports expected by the obligation schedule; on time "
    "means filed on or before the due date.\n"
    "- **Violations** follow Perbawaslu 7/2022: received → registered → finding → forwarded; a "
    "finding is due 7 days after registration, plus 7 days' extension.\n"
    "- **Voter-list anomalies** are judged against neighbouring regions with a robust score "
    "(median and MAD), so fast-growing but normal regions are not flagged.\n"
    "- **Boundaries** are Kepmendagri 2025 polygons (cahyadsn/wilayah_boundaries, MIT), joined to "
    "the 2024 election's codes; regions without a polygon are listed, never dropped."))
