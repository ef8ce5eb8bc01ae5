"""Internal mode: nothing renders before sign-in; roles decide who sees case-level rows
(AppTest with ``at.user`` set and unset, and the built-in sign-in form)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.security import access_log, accounts
from tests.accounts import TEST_ADMIN, oidc_user

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = ["../pages/overview.py", "../pages/region_profile.py", "../pages/violations.py",
         "../pages/compliance.py", "../pages/voter_anomalies.py", "../pages/about.py",
         "../pages/admin.py"]
PASSWORD = "sandi-rahasia-panjang"


@pytest.fixture(autouse=True)
def internal(monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")


def app(user: dict | None = None, page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if user is not None:
        at.user = user
    at.query_params.update(params)
    at.run()
    if page is not None:
        at.switch_page(page)
        at.query_params.update(params)
        at.run()
    assert not at.exception, at.exception
    return at


def shows_data(at: AppTest) -> bool:
    return bool(at.metric or at.dataframe or at.get("plotly_chart") or at.get("iframe"))


def sign_in_form(at: AppTest) -> bool:
    return [w.label for w in at.text_input] == ["Nama pengguna", "Kata sandi"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_see_only_the_sign_in_form(page):
    at = app(page=page, scope="64")
    assert sign_in_form(at)
    assert not shows_data(at)
    assert "Data simulasi" not in " ".join(m.value for m in at.markdown)  # nothing of the page


def test_unknown_identity_from_the_provider_is_refused():
    at = app({"is_logged_in": True, "email": "stranger@example.org"})
    assert any("belum diaktifkan" in e.value for e in at.error)
    assert not shows_data(at) and not sign_in_form(at)


def test_built_in_sign_in_then_pages_render():
    try:
        accounts.add_user("sari", "viewer", by=TEST_ADMIN, password=PASSWORD)
    except accounts.AccountError:
        pass
    at = app()
    at.text_input(key="sign_in_name").input("sari")
    at.text_input(key="sign_in_password").input("salah-salah-salah")
    at.button[0].click().run()
    assert any("salah" in e.value for e in at.error) and not shows_data(at)
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert shows_data(at)
    assert any("Masuk sebagai sari" in c.value for c in at.sidebar.caption)
    # Disabled by an admin: the very next run shows the sign-in form again.
    accounts.disable_user("sari", by=TEST_ADMIN)
    at.run()
    assert sign_in_form(at) and not shows_data(at)


def test_viewers_see_aggregates_but_not_the_case_list():
    at = app(oidc_user("viewer"), "../pages/violations.py", lang="en", scope="33")
    assert shows_data(at)
    assert not [d for d in at.dataframe if "case_id" in d.value.columns]
    assert any("needs the analyst role" in c.value for c in at.caption)


def test_public_mode_shows_no_case_list_even_to_a_signed_in_analyst(monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "public")
    at = app(oidc_user("analyst"), "../pages/violations.py", lang="en", scope="33")
    assert not [d for d in at.dataframe if "case_id" in d.value.columns]
    assert not sign_in_form(at)


def test_case_list_views_are_in_the_access_log():
    before = access_log.recent(10_000, by=TEST_ADMIN).height
    app(oidc_user("analyst"), "../pages/violations.py", lang="en", scope="33")
    newest = access_log.recent(1, by=TEST_ADMIN).row(0, named=True)
    assert access_log.recent(10_000, by=TEST_ADMIN).height > before
    assert (newest["username"], newest["action"], newest["what"], newest["scope"]) == (
        "test-analyst", "view", "overdue cases", "33")


def test_administration_is_for_admins_only():
    admin = app(oidc_user("admin"), "../pages/admin.py", lang="en")
    assert "Administration" in [t.value for t in admin.title]
    assert any("test-admin" in list(d.value.iloc[:, 0]) for d in admin.dataframe)
    for role in ("viewer", "analyst"):
        other = app(oidc_user(role), lang="en")
        assert shows_data(other)
        # The page is not in their navigation at all: AppTest cannot switch to it.
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            other.switch_page("../pages/admin.py")
