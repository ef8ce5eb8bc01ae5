"""Accounts for tests that sign in: created in the run's scratch security store (see
``tests/conftest.py``), through the same functions ``pantau users add`` calls."""

from __future__ import annotations

from data_access.access import Actor
from data_access.security import accounts

TEST_ADMIN = Actor("cli:tests", "admin")


def oidc_user(role: str) -> dict[str, object]:
    """``AppTest.user`` for a person the OIDC provider vouched for, whose e-mail has an enabled
    account of ``role`` (created on first use)."""
    name = f"test-{role}"
    email = f"{name}@bawaslu.go.id"
    try:
        accounts.add_user(name, role, by=TEST_ADMIN, email=email)
    except accounts.AccountError:
        pass  # made by an earlier test of this run
    return {"is_logged_in": True, "email": email, "name": name}
