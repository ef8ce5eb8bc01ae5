"""Administrasi — accounts and the access log, for administrators of the internal dashboard.

The page is in the navigation only for admins, and every function it calls refuses anyone else
in ``data_access.security``; loading data stays with ``pantau ingest`` at the command line, run
by whoever holds the store's writer credentials.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, shell
from data_access.access import ROLES, AccessRefused
from data_access.security import access_log, accounts

ctx = shell.context()
tr = ctx.tr
actor = auth.current_actor()

st.title(tr("Administration"))
try:
    users = accounts.list_users(by=actor)  # type: ignore[arg-type]
except AccessRefused:
    st.error(tr("This page needs the administrator role."))
    st.stop()

role_names = {r: tr(auth.ROLE_LABELS[r]) for r in ROLES}
st.subheader(tr("Accounts"))
st.dataframe(
    users.select(
        pl.col("username").alias(tr("User name")), pl.col("email").alias(tr("E-mail")),
        pl.col("role").replace_strict(role_names).alias(tr("Role")),
        pl.col("disabled").replace_strict({True: tr("Disabled"), False: tr("Active")},
                                          return_dtype=pl.Utf8).alias(tr("Status")),
        pl.col("last_sign_in").dt.strftime("%Y-%m-%d %H:%M UTC").alias(tr("Last sign-in")),
    ),
    hide_index=True, width="stretch",
)

left, right = st.columns(2)
with left, st.form("add_account", clear_on_submit=True):
    st.markdown(f"**{tr('Add an account')}**")
    name = st.text_input(tr("User name"), max_chars=64)
    email = st.text_input(tr("E-mail (for sign-in through the OIDC provider)"), max_chars=254)
    role = st.selectbox(tr("Role"), ROLES, format_func=role_names.get)
    password = st.text_input(tr("Password (at least 12 characters)"), type="password",
                             max_chars=1024)
    if st.form_submit_button(tr("Add")):
        try:
            accounts.add_user(name, role, by=actor, password=password or None,  # type: ignore[arg-type]
                              email=email or None)
        except accounts.AccountError as exc:
            st.error(str(exc))
        else:
            st.success(tr("Account {name} added.", name=name.strip().lower()))
with right:
    st.markdown(f"**{tr('Change an account')}**")
    who = st.selectbox(tr("Account"), users["username"].to_list(), key="admin_who")
    new_role = st.selectbox(tr("Role"), ROLES, format_func=role_names.get, key="admin_role")
    b1, b2, b3 = st.columns(3)
    change = None
    if b1.button(tr("Set role"), disabled=who is None):
        change = lambda: accounts.set_role(who, new_role, by=actor)  # noqa: E731
    if b2.button(tr("Disable"), disabled=who is None or who == actor.username):
        change = lambda: accounts.disable_user(who, by=actor)  # noqa: E731
    if b3.button(tr("Enable"), disabled=who is None):
        change = lambda: accounts.enable_user(who, by=actor)  # noqa: E731
    if change is not None:
        try:
            change()
        except accounts.AccountError as exc:
            st.error(str(exc))
        else:
            st.rerun()

st.subheader(tr("Access log"))
st.caption(tr("Every view and export of case- or record-level rows, every sign-in and every "
              "account change: who, when, what and which region. The newest 500 events."))
events = access_log.recent(500, by=actor)  # type: ignore[arg-type]
st.dataframe(
    events.select(
        pl.col("at").dt.strftime("%Y-%m-%d %H:%M:%S UTC").alias(tr("When")),
        pl.col("username").alias(tr("User name")), pl.col("role").alias(tr("Role")),
        pl.col("action").alias(tr("Action")), pl.col("what").alias(tr("What")),
        pl.col("scope").alias(tr("Scope")), pl.col("detail").alias(tr("Details")),
        pl.col("rows").alias(tr("Rows")),
    ),
    hide_index=True, width="stretch",
)
