"""Internal mode in a real browser: the sign-in form before anything else, a wrong password
refused, the right one opens the dashboard with the case list for an analyst."""

from __future__ import annotations

import pytest

from data_access.security import accounts
from tests.accounts import TEST_ADMIN
from tests.e2e.conftest import only_the_app, screenshot, wait_for_app
from tests.servers import dashboard_server

pytestmark = pytest.mark.browser
PASSWORD = "sandi-analis-panjang"


@pytest.fixture(scope="module")
def internal_url():
    try:
        accounts.add_user("rina", "analyst", by=TEST_ADMIN, password=PASSWORD)
    except accounts.AccountError:
        pass  # an earlier run of this module in the same session
    with dashboard_server("streamlit-e2e-internal", PANTAU_MODE="internal") as url:
        yield url


def test_sign_in_then_the_case_list(page, internal_url):
    blocked = only_the_app(page, internal_url)
    page.goto(f"{internal_url}/pelanggaran?scope=33")
    wait_for_app(page)
    page.get_by_label("Nama pengguna").wait_for()
    assert page.locator('[data-testid="stMetric"]').count() == 0  # nothing of the page yet
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    page.get_by_label("Nama pengguna").fill("rina")
    page.get_by_label("Kata sandi").fill("bukan-sandinya-rina")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_text("Nama pengguna atau kata sandi salah.").wait_for()
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_text("Masuk sebagai rina").wait_for()
    wait_for_app(page)
    page.get_by_text("Kasus lewat batas waktu").first.wait_for()
    page.locator('[data-testid="stMetric"]').first.wait_for()
    screenshot(page, "internal-signed-in")
    assert blocked == []
