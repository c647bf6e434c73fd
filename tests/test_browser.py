"""The dashboard in a real browser: Debian's Chromium driven by Playwright.

Starts ``govsim demo`` on a free loopback port, loads the page, checks that
the components render, moves a slider, resets, steps five times, checks the
step counter and that the map changed, and takes a screenshot. Any console
error, or any request to anything but 127.0.0.1 (a CDN, say), fails it.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")

if not CHROMIUM.exists():  # .ci/run installs it with apt-get; say so rather than pass quietly
    pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's chromium package to run the "
                "browser test)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("demo") / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "simulator", "demo", "baseline", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the dashboard did not start: " + log.read_text()
        time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_dashboard_renders_steps_and_stays_on_loopback(server, tmp_path):
    errors, outside = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: outside.append(r.url)
                if urlparse(r.url).hostname != "127.0.0.1" else None)
        page.goto(server)
        page.get_by_text("Step: 0").wait_for(timeout=60_000)
        page.wait_for_load_state("networkidle")
        # the components
        for text in ("Question.", "Districts", "What is felt and what is seen", "Lever allocation",
                     "The loop at step 0", "Capacity per district", "Plan policy"):
            assert page.get_by_text(text).first.is_visible(), text
        # the map and two charts, drawn by ECharts (wait: on a busy machine they come later)
        page.locator("canvas").nth(2).wait_for(timeout=60_000)
        assert page.locator("canvas").count() >= 3

        # move the capacity slider (0.40 -> 0.60) and reset: the new model uses it
        slider = page.locator(".v-input", has_text="Capacity per district").get_by_role("slider")
        slider.focus()
        for _ in range(4):
            slider.press("ArrowRight")
        page.get_by_role("button", name="Reset").click()
        page.wait_for_timeout(500)

        the_map = page.locator(".v-card", has_text="Districts").locator("canvas").first
        before = the_map.screenshot()
        for i in range(1, 6):
            page.get_by_role("button", name="Step").click()
            page.get_by_text(f"Step: {i}", exact=True).wait_for(timeout=10_000)
        page.get_by_text("The loop at step 5").wait_for(timeout=10_000)
        page.wait_for_timeout(300)
        assert the_map.screenshot() != before  # the map was redrawn with new values
        knowledge = page.get_by_text("Knowledge.").first.locator("xpath=..").inner_text()
        assert "capacity 0.60 per district" in knowledge, knowledge
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 50_000

        # a second student (a separate browser session) gets a model of their own
        other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
        other.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        other.goto(server)
        other.get_by_text("Step: 0").wait_for(timeout=60_000)
        other.wait_for_load_state("networkidle")
        other.get_by_role("button", name="Step").click()
        other.get_by_text("Step: 1", exact=True).wait_for(timeout=10_000)
        page.wait_for_timeout(500)
        assert page.get_by_text("Step: 5", exact=True).is_visible()  # the first one is untouched
        browser.close()
    assert errors == [], errors
    assert outside == [], outside
