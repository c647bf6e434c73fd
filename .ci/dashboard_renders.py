"""Does ``govsim demo`` render in a real browser? Debian's Chromium, driven by Playwright.

Usage::

    python .ci/dashboard_renders.py /path/to/venv/bin/govsim

Run it with a Python that has Playwright (the test environment); the
``govsim`` it checks may live in another environment (the wheel installed
with only the ``viz`` extra). It starts ``GOVSIM demo baseline`` on a free
loopback port, waits until the page serves, loads it in headless Chromium,
waits until the dashboard is ready, checks that the charts and the map are
drawn and that a step works, prints one line and exits 0 (rendered) or 1.
The server is always stopped.

This file is also the one place that says what "ready" means:
``tests/test_browser.py`` imports these helpers, so the CI check and the
test wait for the same conditions and fail on the same things.

Ready means: Mesa's step counter shows the expected step, our loop card
says the same, and every chart container holds a canvas that has a size
and has been drawn on. Solara's ECharts component loads the ECharts
library asynchronously after it is mounted and creates the chart only
then (the canvas appears in that same task); an option that changes before
that (a Step or Reset pressed too early) throws ``Cannot read properties of
undefined (reading 'setOption')`` inside Solara's component. So nothing is
pressed before the page is ready, and after every press the check waits for
what the press should change. Nothing here sleeps for a fixed time.

Strict throughout: any console error, uncaught page error, or request
(HTTP or WebSocket) to a host other than 127.0.0.1 fails the check.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "CHARTS", "LOOPBACK", "VIEWPORT", "NotRendered", "Watch",
           "free_port", "start_server", "stop_server", "demo_server", "launch", "open_dashboard", "wait_ready", "step", "the_map",
           "map_digest", "wait_map_changed", "check", "run_check", "main"]

CHROMIUM = Path("/usr/bin/chromium")
#: Flags that work as root on a closed network: nothing may phone home.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: Chart containers on the demo page: the district map and two line charts.
CHARTS = 3
LOOPBACK = "127.0.0.1"
VIEWPORT = {"width": 1600, "height": 1000}

SERVER_TIMEOUT = 120.0  # s: a busy machine imports Mesa, Solara and Altair slowly
READY_TIMEOUT = 90_000  # ms: the first page load also starts a kernel on the server
STEP_TIMEOUT = 30_000  # ms

# Every chart container has a canvas with a size, and something is drawn on it.
_CHARTS_DRAWN = """(n) => {
  const charts = [...document.querySelectorAll('.solara-echarts')];
  return charts.length >= n && charts.every((el) => {
    const c = el.querySelector('canvas');
    if (!c || !c.width || !c.height || !c.getBoundingClientRect().width) return false;
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < px.length; i += 4) if (px[i]) return true;
    return false;
  });
}"""

# A digest of a chart's pixels below its title (the title names the step, the cells are the data).
_PIXELS = """(el) => {
  const c = el.querySelector('canvas');
  const top = Math.round(50 * (window.devicePixelRatio || 1));
  const px = c.getContext('2d').getImageData(0, top, c.width, c.height - top).data;
  let h = 2166136261;
  for (let i = 0; i < px.length; i++) { h ^= px[i]; h = Math.imul(h, 16777619); }
  return (h >>> 0).toString(16);
}"""


class NotRendered(Exception):
    """The dashboard did not start, did not render, or misbehaved in the browser."""


@dataclass
class Watch:
    """What the pages did wrong: console errors, page errors, requests off loopback."""

    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Page:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self._request(r.url))
        page.on("websocket", lambda ws: self._request(ws.url))
        return page

    def _request(self, url: str) -> None:
        if urlparse(url).hostname != LOOPBACK:
            self.outside.append(url)

    def check(self) -> None:
        """Raise if anything went wrong so far."""
        if self.errors:
            raise NotRendered(f"{len(self.errors)} console error(s), first: {self.errors[0]}")
        if self.outside:
            raise NotRendered(f"{len(self.outside)} request(s) off {LOOPBACK}, first: {self.outside[0]}")


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def start_server(command: Sequence[str], port: int, log: Path) -> tuple[subprocess.Popen, str]:
    """Start ``command`` (a server on ``port``) and wait until its page serves: (process, URL).

    The process leads a session of its own (``os.killpg`` stops it with its children);
    if it never serves, it is stopped and ``NotRendered`` says why.
    """
    url = f"http://{LOOPBACK}:{port}/"
    with open(log, "w") as out:
        proc = subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return proc, url
            except OSError:
                pass
            if proc.poll() is not None:
                raise NotRendered(f"the server exited with {proc.returncode}: {_tail(log)}")
            if time.monotonic() > deadline:
                raise NotRendered(f"the page did not serve within {SERVER_TIMEOUT:.0f} s: {_tail(log)}")
            time.sleep(0.25)  # poll interval while waiting for the condition above
    except BaseException:
        stop_server(proc)
        raise


@contextmanager
def demo_server(command: Sequence[str], port: int, log: Path) -> Iterator[str]:
    """Run ``command`` (a ``govsim demo ... --port PORT``) until the page serves; yield its URL.

    The server (and anything it started) is stopped on the way out, whatever happened.
    """
    proc, url = start_server(command, port, log)
    try:
        yield url
    finally:
        stop_server(proc)


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server from start_server politely (SIGTERM), then firmly after 20 s."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _tail(log: Path, lines: int = 5) -> str:
    return " | ".join(log.read_text(errors="replace").strip().splitlines()[-lines:])


def launch(p: Playwright) -> Browser:
    """Debian's Chromium, headless; never a downloaded browser, never a skip."""
    if not CHROMIUM.exists():
        raise NotRendered(f"no Chromium at {CHROMIUM}: install Debian's chromium package "
                          "(apt-get install chromium; .ci/run does)")
    return p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def open_dashboard(browser: Browser | BrowserContext, url: str, watch: Watch) -> Page:
    """A new page (a new session) on the dashboard, watched, and ready at step 0."""
    page = watch.attach(browser.new_page(viewport=VIEWPORT) if isinstance(browser, Browser)
                        else browser.new_page())
    page.goto(url)
    wait_ready(page, 0, timeout=READY_TIMEOUT)
    return page


def wait_ready(page: Page, steps: int, timeout: float = STEP_TIMEOUT) -> None:
    """Wait until the page shows step ``steps`` everywhere and every chart is drawn."""
    with _waiting(f"Mesa's step counter to show 'Step: {steps}'", timeout):
        page.get_by_text(f"Step: {steps}", exact=True).wait_for(timeout=timeout)
    with _waiting(f"the loop card to show step {steps}", timeout):
        page.get_by_text(f"The loops at step {steps}", exact=True).wait_for(timeout=timeout)
    with _waiting(f"{CHARTS} charts to be drawn at step {steps}", timeout):
        page.wait_for_function(_CHARTS_DRAWN, arg=CHARTS, timeout=timeout, polling=100)


@contextmanager
def _waiting(what: str, timeout: float) -> Iterator[None]:
    """Turn Playwright's timeout into a one-line account of what never happened."""
    try:
        yield
    except PlaywrightTimeout:
        raise NotRendered(f"waited {timeout / 1000:.0f} s for {what}") from None


def step(page: Page, to: int) -> None:
    """Press Step and wait until the page shows step ``to``."""
    page.get_by_role("button", name="Step", exact=True).click()
    wait_ready(page, to)


def the_map(page: Page):
    """The district map's chart container."""
    return page.locator(".v-card", has_text="Districts").locator(".solara-echarts").first


def map_digest(page: Page) -> str:
    """A digest of the map's drawn cells (not its title)."""
    return the_map(page).evaluate(_PIXELS)


def wait_map_changed(page: Page, before: str) -> None:
    """Wait until the map's cells are drawn differently from ``before``."""
    with _waiting("the district map to be redrawn with other values", STEP_TIMEOUT):
        page.wait_for_function(f"(el) => ({_PIXELS})(el) !== {before!r}",
                               arg=the_map(page).element_handle(), timeout=STEP_TIMEOUT,
                               polling=100)


def check(govsim: str) -> str:
    """The CI check: serve ``govsim demo baseline``, render it, step once; one line back."""
    start = time.monotonic()
    watch = Watch()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="govsim-demo-") as folder, \
            demo_server([govsim, "demo", "baseline", "--port", str(port)], port,
                        Path(folder) / "server.log") as url, sync_playwright() as p:
        browser = launch(p)
        try:
            page = open_dashboard(browser, url, watch)
            drawn = page.locator(".solara-echarts canvas").count()
            if not the_map(page).locator("canvas").count():
                raise NotRendered("no district map on the page")
            before = map_digest(page)
            # the map shows the loop's estimate of tension, which lags by the monitor's
            # delay (one step in the baseline): two steps must change it
            for i in (1, 2):
                step(page, i)
            wait_map_changed(page, before)
            watch.check()
        finally:
            browser.close()
    return (f"dashboard renders: {drawn} charts drawn (map included), two steps redrew the map, "
            f"no console errors, nothing off {LOOPBACK} ({time.monotonic() - start:.0f} s)")


def run_check(check_of: Callable[[str], str], script: str, failed: str, argv: list[str] | None) -> int:
    """A CI check's command line: ``python .ci/SCRIPT GOVSIM``; one line out, exit 0, 1 or 2."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(f"usage: python .ci/{script} /path/to/venv/bin/govsim", file=sys.stderr)
        return 2
    try:
        print(check_of(args[0]), flush=True)
    except (NotRendered, PlaywrightError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"{failed}: {first}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_check(check, "dashboard_renders.py", "dashboard does NOT render", argv)


if __name__ == "__main__":
    sys.exit(main())
