"""The dashboard in a real browser: Debian's Chromium driven by Playwright.

Starts ``govsim demo`` on a free loopback port, loads the page, checks that
the components render, steps, moves a slider, resets, steps five times,
checks the step counter, the words and that the map was redrawn, and that a
second session gets a model of its own. Any console error, or any request
to anything but 127.0.0.1 (a CDN, say), fails it; so does a missing
Chromium (CI installs it with apt-get): this test never skips.

What "ready" means, and every wait, comes from ``.ci/dashboard_renders.py``
(the CI check of the installed wheel), so the two agree. Nothing is pressed
before the page is ready, every press is followed by a wait for what it
should change, and nothing waits for a fixed time.
"""

import importlib.util
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def _load_checks():
    spec = importlib.util.spec_from_file_location("dashboard_renders", ROOT / ".ci" / "dashboard_renders.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


checks = _load_checks()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = checks.free_port()
    log = tmp_path_factory.mktemp("demo") / "server.log"
    with checks.demo_server([sys.executable, "-m", "simulator", "demo", "baseline", "--port", str(port)],
                            port, log) as url:
        yield url


def test_dashboard_renders_steps_and_stays_on_loopback(server, tmp_path):
    watch = checks.Watch()
    with sync_playwright() as p:
        browser = checks.launch(p)  # fails (never skips) without /usr/bin/chromium
        try:
            page = checks.open_dashboard(browser, server, watch)
            # the components
            for text in ("Question.", "Districts", "What is felt and what is seen", "Lever allocation",
                         "The loops at step 0", "Capacity per district", "Plan policy"):
                assert page.get_by_text(text).first.is_visible(), text
            assert page.locator(".solara-echarts canvas").count() >= checks.CHARTS
            checks.step(page, 1)

            # move the capacity slider (0.40 -> 0.60) and reset: the new model uses it
            slider = page.locator(".v-input", has_text="Capacity per district").get_by_role("slider")
            expect(slider).to_have_attribute("aria-valuenow", "0.4")
            slider.focus()
            for _ in range(4):
                slider.press("ArrowRight")
            expect(slider).to_have_attribute("aria-valuenow", "0.6")
            page.get_by_role("button", name="Reset", exact=True).click()
            checks.wait_ready(page, 0)  # the reset is seen: back at step 0, charts drawn

            before = checks.map_digest(page)
            for i in range(1, 6):
                checks.step(page, i)
            checks.wait_map_changed(page, before)
            knowledge = page.get_by_text("Knowledge.").first.locator("xpath=..").inner_text()
            assert "capacity 0.60 per district" in knowledge, knowledge
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 50_000
            watch.check()

            # a second student (a separate browser session) gets a model of their own:
            # their step takes them to 1, and the first student's next step to 6, not 7
            other = checks.open_dashboard(browser.new_context(viewport=checks.VIEWPORT), server, watch)
            checks.step(other, 1)
            checks.step(page, 6)
            expect(other.get_by_text("Step: 1", exact=True)).to_be_visible()
        finally:
            browser.close()
    watch.check()  # console errors and requests off loopback, over both sessions


def test_the_predictive_policy_is_selectable_and_draws_its_forecast(server):
    """Choose the predictive Plan in the policy menu and reset: its forecast panel appears,
    with the tension seen and both forecasts drawn (tests/test_dashboard.py checks the numbers)."""
    watch = checks.Watch()
    with sync_playwright() as p:
        browser = checks.launch(p)
        try:
            page = checks.open_dashboard(browser, server, watch)
            assert page.get_by_text("What the predictive Plan forecast").count() == 0  # balanced: no panel
            page.locator(".v-input", has_text="Plan policy").click()
            page.get_by_role("option", name="predictive").click()
            page.get_by_role("button", name="Reset", exact=True).click()
            checks.wait_ready(page, 0)
            for i in range(1, 4):
                checks.step(page, i)
            card = page.get_by_text("What the predictive Plan forecast").locator("xpath=..")
            expect(card).to_be_visible()
            expect(card.locator(".solara-echarts canvas")).to_have_count(1)
            expect(card.get_by_text("pid rule chose")).to_be_visible()  # not yet confident at step 3
        finally:
            browser.close()
    watch.check()
