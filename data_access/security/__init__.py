"""Who may see what, and a record of what they saw: accounts and the access log.

They live in their own small store (``PANTAU_SECURITY_DATABASE_URL``), not in the data store,
because the dashboard must write to them — an access-log row for every view of case-level data, a
failed sign-in count — while it reads the data store through a read-only role (and the embedded
DuckDB store is only ever replaced whole by a load). The default is a SQLite file beside the data
store, safe for several dashboard processes on one machine; in production it points at a
PostgreSQL schema where the dashboard's role may INSERT access events and UPDATE sign-in counters,
and nothing else.
"""
