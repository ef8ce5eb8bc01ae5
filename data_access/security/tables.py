"""The security store's two tables. Created on first use: they are append-mostly and tiny, and
their life cycle is the accounts', not the data loads' (see the package docstring)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

account = sa.Table(
    "account", metadata,
    # Built-in accounts sign in with ``username``; OIDC identities match ``email``.
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("email", sa.String(254), unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    # argon2id, salted per account (argon2-cffi's encoded form); null for OIDC-only accounts.
    sa.Column("password_hash", sa.String(255)),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("failed_sign_ins", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_sign_in", sa.DateTime(timezone=True)),
    sa.CheckConstraint("role IN ('viewer', 'analyst', 'admin')", name="account_role"),
)

access_event = sa.Table(
    "access_event", metadata,
    sa.Column("event_id", sa.Integer, sa.Identity(), primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    # view | export | sign_in | sign_in_failed | sign_out | refused
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("what", sa.String(80), nullable=False),
    # A region code or "national"; never a person.
    sa.Column("scope", sa.String(40), nullable=False),
    sa.Column("detail", sa.String(400)),
    sa.Column("rows", sa.Integer),
)
