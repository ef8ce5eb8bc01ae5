"""Accounts and the access log (``data_access.security``): argon2 hashes, roles, disabling,
lock-out after repeated failures, and one log row per sign-in, refusal and account change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from data_access.access import Actor, RoleRefused
from data_access.security import access_log, accounts
from data_access.security.store import security_engine
from data_access.security.tables import account

ADMIN = Actor("root", "admin")
PASSWORD = "correct horse battery"


def hashes() -> dict[str, str]:
    with security_engine().connect() as conn:
        return dict(conn.execute(sa.select(account.c.username, account.c.password_hash)).all())


def test_passwords_are_salted_argon2id_hashes(security_store):
    accounts.add_user("ana", "analyst", by=ADMIN, password=PASSWORD)
    accounts.add_user("budi", "viewer", by=ADMIN, password=PASSWORD)
    stored = hashes()
    assert all(h.startswith("$argon2id$") for h in stored.values())
    assert PASSWORD not in "".join(stored.values())
    assert stored["ana"] != stored["budi"]  # same password, different salt


def test_sign_in_with_the_right_password_only(security_store):
    accounts.add_user("ana", "analyst", by=ADMIN, password=PASSWORD)
    assert accounts.sign_in("Ana ", PASSWORD) == Actor("ana", "analyst")
    for name, password in (("ana", PASSWORD + "x"), ("nobody", PASSWORD), ("ana", ""),
                           ("' OR 1=1 --", PASSWORD), ("ana", "x" * 10_000_000)):
        with pytest.raises(accounts.SignInRefused, match="wrong name or password"):
            accounts.sign_in(name, password)


def test_five_failures_lock_the_account_even_for_the_right_password(security_store):
    accounts.add_user("ana", "analyst", by=ADMIN, password=PASSWORD)
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in("ana", "guess-guess-guess")
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in("ana", PASSWORD)
    accounts.enable_user("ana", by=ADMIN)  # an admin lifts the lock
    assert accounts.sign_in("ana", PASSWORD).role == "analyst"


def test_disabling_and_role_changes_apply_to_a_signed_in_session(security_store):
    accounts.add_user("ana", "analyst", by=ADMIN, password=PASSWORD)
    session = accounts.sign_in("ana", PASSWORD)
    accounts.set_role("ana", "viewer", by=ADMIN)
    assert accounts.current(session) == Actor("ana", "viewer")
    accounts.disable_user("ana", by=ADMIN)
    assert accounts.current(session) is None
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in("ana", PASSWORD)


def test_oidc_identities_need_an_enabled_account(security_store):
    accounts.add_user("dina", "admin", by=ADMIN, email="Dina@Bawaslu.go.id")
    assert accounts.actor_for_email("dina@bawaslu.go.id") == Actor("dina", "admin")
    with pytest.raises(accounts.SignInRefused):
        accounts.actor_for_email("stranger@bawaslu.go.id")
    with pytest.raises(accounts.SignInRefused):  # no password: built-in sign-in is impossible
        accounts.sign_in("dina", PASSWORD)
    accounts.disable_user("dina", by=ADMIN)
    with pytest.raises(accounts.SignInRefused):
        accounts.actor_for_email("dina@bawaslu.go.id")


@pytest.mark.parametrize("by", [None, Actor("ana", "analyst"), Actor("vera", "viewer")])
def test_only_admins_manage_accounts_and_read_the_log(security_store, by):
    with pytest.raises(RoleRefused):
        accounts.add_user("eve", "admin", by=by, password=PASSWORD)  # type: ignore[arg-type]
    with pytest.raises(RoleRefused):
        accounts.list_users(by=by)  # type: ignore[arg-type]
    with pytest.raises(RoleRefused):
        access_log.recent(by=by)  # type: ignore[arg-type]
    assert hashes() == {}


@pytest.mark.parametrize(("name", "role", "password", "email"), [
    ("Bad Name", "viewer", PASSWORD, None), ("x", "viewer", PASSWORD, None),
    ("ana", "superuser", PASSWORD, None), ("ana", "viewer", "short", None),
    ("ana", "viewer", None, None), ("ana", "viewer", None, "not-an-address"),
])
def test_bad_account_requests_say_why(security_store, name, role, password, email):
    with pytest.raises(accounts.AccountError):
        accounts.add_user(name, role, by=ADMIN, password=password, email=email)
    assert hashes() == {}


def test_the_log_records_who_did_what_without_secrets(security_store):
    accounts.add_user("ana", "analyst", by=ADMIN, password=PASSWORD)
    accounts.sign_in("ana", PASSWORD)
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in("ana", "not-the-password")
    accounts.disable_user("ana", by=ADMIN)
    events = access_log.recent(by=ADMIN).sort("event_id")
    assert events.select("username", "action", "what").rows() == [
        ("root", "account", "add account"), ("ana", "sign_in", "sign-in"),
        ("ana", "sign_in_failed", "sign-in"), ("root", "account", "disable account")]
    text = events.write_csv()
    assert PASSWORD not in text and "not-the-password" not in text and "$argon2" not in text
