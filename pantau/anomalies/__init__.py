"""Voter-list anomaly detection: record-level checks of a voter extract and region-level checks
of the stage recaps. Pure polars functions returning frames in the ``anomaly_flag`` schema; the
caller loads them into the store. No personal data leaves these functions (UU 27/2022)."""

from pantau.anomalies.common import FLAG_SCHEMA
from pantau.anomalies.records import detect_record_anomalies
from pantau.anomalies.regions import detect_region_anomalies

__all__ = ["FLAG_SCHEMA", "detect_record_anomalies", "detect_region_anomalies"]
