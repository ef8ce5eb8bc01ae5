"""The only code that touches the database: schema, engine, atomic writes, one query module per domain."""
