"""Briefing mode in a real Chromium at projector resolutions, with every request that is not to
the app blocked: the slide fits the screen without scrolling, text keeps its share of the screen
height at 1280 × 720 and 1920 × 1080, the keyboard moves through the deck, and the timer
advances it. Screenshots: artifacts/screenshots/briefing-1920x1080.png and -1280x720.png.

The screenshots show what the room will see."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, only_the_app, wait_for_app

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def deck_url(app_url: str) -> str:
    """The shared dashboard server (tests/e2e/conftest.py)."""
    return app_url


@pytest.fixture
def projector(browser, deck_url, request):
    """A page at a projector's resolution that may only talk to the app."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(120_000)
    blocked = only_the_app(page, deck_url)
    yield page
    context.close()
    assert blocked == [], f"requests outside the app: {blocked[:5]}"


def open_slide(page, url: str) -> None:
    page.goto(url)
    page.locator("h1").first.wait_for()
    deck_ready(page)


def deck_ready(page) -> None:
    """The run is over and the deck's keys are on the page. The app reads "not running" before
    its first run has started too, and the title comes before the buttons that carry the keyboard
    shortcuts, so a key pressed on the title alone can fall on a page that does not listen yet."""
    page.locator(".st-key-briefing_next button").wait_for()
    page.locator(".st-key-k_end button").wait_for(state="attached")  # hidden by CSS
    wait_for_app(page, timeout=120_000)


def layout(page) -> dict[str, float]:
    return page.evaluate("""() => {
        const px = (el) => el ? parseFloat(getComputedStyle(el).fontSize) : 0;
        const box = (sel) => { const el = document.querySelector(sel);
                               return el ? el.getBoundingClientRect() : null; };
        const footer = box('.st-key-briefing_footer');
        const chart = box('.st-key-briefing_chart img');
        const sidebar = document.querySelector('[data-testid="stSidebar"]');
        return {
          h: innerHeight,
          title: px(document.querySelector('h1')),
          message: px(document.querySelector('.st-key-briefing_message p')),
          footerTop: footer ? footer.top : -1, footerBottom: footer ? footer.bottom : -1,
          chartTop: chart ? chart.top : -1, chartBottom: chart ? chart.bottom : -1,
          chartHeight: chart ? chart.height : 0,
          scroll: document.scrollingElement.scrollHeight,
          sidebar: sidebar ? sidebar.getBoundingClientRect().width : 0,
        }; }""")


@pytest.mark.parametrize("projector", [(1920, 1080), (1280, 720)], indirect=True,
                         ids=["1920x1080", "1280x720"])
def test_slide_fills_the_screen_and_reads_from_the_back(projector, deck_url):
    page = projector
    open_slide(page, f"{deck_url}/briefing?slide=2")
    page.locator(".st-key-briefing_chart img").wait_for()  # the map, rendered on the server
    assert "mode=briefing" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_text("Data simulasi — bukan data resmi").first.wait_for()
    box = layout(page)
    assert box["sidebar"] == 0, "no sidebar in briefing mode"
    assert box["title"] >= 0.05 * box["h"], box  # ≥ 5 % of the screen height
    assert box["message"] >= 0.034 * box["h"], box
    assert box["chartHeight"] >= 0.5 * box["h"], box
    assert 0 < box["chartBottom"] <= box["footerTop"], "the chart runs under the footer"
    assert box["footerBottom"] <= box["h"] + 1 and box["scroll"] <= box["h"] + 2, \
        "the slide must fit the screen without scrolling"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / f"briefing-{width}x{box['h']}.png"))


@pytest.mark.parametrize("projector", [(1280, 720)], indirect=True, ids=["1280x720"])
def test_keyboard_moves_through_the_deck(projector, deck_url):
    page = projector
    open_slide(page, f"{deck_url}/briefing")
    title = page.locator("h1").first.inner_text()

    def press(key: str, slide: int | None) -> None:
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.keyboard.press(key)  # nothing focused: the shortcut goes to the deck
        expected = "!location.search.includes('slide=')" if slide is None \
            else f"location.search.includes('slide={slide}')"
        page.wait_for_function(expected, timeout=60_000)
        page.locator("h1").first.wait_for()
        deck_ready(page)

    press("ArrowRight", 2)
    press("PageDown", 3)  # a presenter's clicker
    assert page.locator("h1").first.inner_text() != title
    press("End", 6)
    page.locator(".st-key-briefing_chart img").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "briefing-1280x720-anomalies.png"))
    press("Home", None)
    press("ArrowLeft", 6)  # wraps round to the last slide
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize("projector", [(1280, 720)], indirect=True, ids=["1280x720"])
def test_timed_auto_advance(projector, deck_url):
    page = projector
    open_slide(page, f"{deck_url}/briefing?advance=5&slide=4")
    page.wait_for_function("location.search.includes('slide=5')", timeout=60_000)
    assert "advance=5" in page.url
