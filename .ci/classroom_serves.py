"""Does ``govsim classroom`` serve its pages from an installed wheel? Debian's Chromium says.

Usage::

    python .ci/classroom_serves.py /path/to/venv/bin/govsim

Run it with a Python that has Playwright; the ``govsim`` it checks may live
in another environment (the wheel with only the ``viz`` extra), which is the
point: the pages, script and style must be inside the wheel. It starts the
classroom on a free loopback port, checks that each page and static file is
served, opens the instructor's page and one student's in headless Chromium,
joins the student with the printed code, steps once from the instructor's
page and waits until the student's page shows step 1. One line out; exit 0
or 1. Any console error or request off 127.0.0.1 fails. The server is
always stopped.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dashboard_renders as checks

PAGES = ("", "instructor", "static/classroom.js", "static/classroom.css")
WAIT = 60_000  # ms


def printed(log: Path) -> tuple[str, str]:
    """The join code and the instructor's token, as ``govsim classroom`` prints them."""
    text = log.read_text()
    code, token = re.search(r"type the join code (\w+)", text), re.search(r"/instructor#token=([\w-]+)", text)
    if not (code and token):
        raise checks.NotRendered(f"the terminal showed no join code or token: {text.strip()[:200]}")
    return code.group(1), token.group(1)


def join(page: Page, url: str, nickname: str, code: str, timeout: float = WAIT) -> Page:
    """A student's page joins with ``nickname`` and ``code`` and waits for its district."""
    page.goto(url)
    page.fill("#nickname", nickname)
    page.fill("#code", code)
    page.click("#join-button")
    page.locator("#district").wait_for(state="visible", timeout=timeout)
    return page


def check(govsim: str) -> str:
    start = time.monotonic()
    watch = checks.Watch()
    port = checks.free_port()
    with tempfile.TemporaryDirectory(prefix="govsim-class-") as tmp, \
            checks.demo_server([govsim, "classroom", "--port", str(port), "--out", f"{tmp}/session"], port,
                               Path(tmp) / "server.log") as url, sync_playwright() as p:
        sizes = []
        for page in PAGES:
            with urllib.request.urlopen(url + page, timeout=10) as response:
                body = response.read()
                if response.status != 200 or not body:
                    raise checks.NotRendered(f"/{page} served {response.status} with {len(body)} bytes")
                sizes.append(len(body))
        code, token = printed(Path(tmp) / "server.log")
        browser = checks.launch(p)
        try:
            projector = watch.attach(browser.new_page())
            projector.goto(f"{url}instructor#token={token}")
            projector.wait_for_function("() => document.getElementById('step-count').textContent === 'step 0'",
                                        timeout=WAIT)
            student = join(watch.attach(browser.new_context().new_page()), url, "wheel", code)
            projector.click("#step")
            student.get_by_text("Step 1.", exact=False).wait_for(timeout=WAIT)
            watch.check()
        finally:
            browser.close()
    return (f"classroom serves from the wheel: {len(PAGES)} files ({sum(sizes)} bytes), a student joined, "
            f"a step reached their page, no console errors, nothing off {checks.LOOPBACK} "
            f"({time.monotonic() - start:.0f} s)")


def main(argv: list[str] | None = None) -> int:
    return checks.run_check(check, "classroom_serves.py", "classroom does NOT serve from the wheel", argv)


if __name__ == "__main__":
    sys.exit(main())
