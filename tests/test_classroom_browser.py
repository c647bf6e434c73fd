"""The classroom in real browsers: ``govsim classroom`` driven through Debian's Chromium.

A small class (the instructor's page and three students, each in a browser
context of its own, as on three devices) joins with the printed code, moves
sliders and sees them reach the projector; one student closes the tab
mid-run and the others go on; the instructor ends the session and everyone
gets the debrief; the stopped server's series is rebuilt byte for byte by
``govsim replay``. A second test kills the server (``SIGKILL``), resumes it
from its log, and the open student page comes back to the same district by
itself. Any console error or any request off 127.0.0.1 fails; a missing
Chromium fails (CI installs it): nothing here skips.

The helpers (free port, server start and stop, Chromium, the watch on the
pages) are the CI check's, ``.ci/dashboard_renders.py``, as in test_browser.py.
Nothing sleeps for a fixed time: every wait is for what should change.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from test_browser import checks

sys.path.insert(0, str(Path(checks.__file__).parent))
import classroom_serves as classroom  # the CI check's printed() and join()

WAIT = 30_000  # ms: a busy CI machine with four pages open


def _classroom(port: int, folder: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "simulator", "classroom", *extra, "--port", str(port),
            *(("--out", str(folder)) if "--resume" not in extra else ())]


def _instructor(context, url: str, token: str, watch):
    page = watch.attach(context.new_page())
    page.goto(f"{url}instructor#token={token}")
    page.wait_for_function("() => /^step \\d+$/.test(document.getElementById('step-count').textContent)",
                           timeout=WAIT)
    return page


def _student(browser, url: str, nickname: str, code: str, watch):
    return classroom.join(watch.attach(browser.new_context().new_page()), url, nickname, code, WAIT)


def _step_of(page) -> int:
    return int(re.search(r"Step (\d+)\.", page.text_content("#seen-when")).group(1))


def _wait_step_beyond(page, step: int) -> None:
    page.wait_for_function(f"() => Number((document.getElementById('seen-when').textContent"
                           f".match(/Step (\\d+)\\./) || [0, -1])[1]) > {step}", timeout=WAIT)


def _log_actions(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "session.jsonl").read_text().splitlines()[1:]]


def test_three_students_a_closed_tab_the_debrief_and_a_byte_identical_replay(tmp_path):
    port, folder = checks.free_port(), tmp_path / "session"
    watch = checks.Watch()
    server_log = tmp_path / "server.log"
    with checks.demo_server(_classroom(port, folder, "baseline", "--pace", "4"), port, server_log) as url, \
            sync_playwright() as p:
        code, token = classroom.printed(server_log)
        browser = checks.launch(p)
        try:
            projector = _instructor(browser.new_context(viewport=checks.VIEWPORT), url, token, watch)
            students = [_student(browser, url, name, code, watch) for name in ("Ada", "Bo", "Cy")]
            titles = [s.text_content("#district-title") for s in students]
            assert len(set(titles)) == 3, titles  # three districts, one each
            # the projector names who holds which district, and nobody is ranked
            projector.wait_for_function("() => document.querySelectorAll('#seats tr').length === 3",
                                        timeout=WAIT)
            seats_text = projector.text_content("#seats")
            assert all(name in seats_text for name in ("Ada", "Bo", "Cy")), seats_text
            assert "3 of 64 seats held" in projector.text_content("#seat-count")

            projector.click("#run")  # Start
            for s in students:
                _wait_step_beyond(s, 1)

            # each student's slider reaches the projector, tagged with that student's message id
            for share, s in zip(("30", "55", "10"), students):
                s.fill("#constrain", share)
                s.wait_for_function("() => (window.govsimAcks || 0) >= 1", timeout=WAIT)
            projector.wait_for_function("() => new Set(window.govsimSeen.map((x) => x[0])).size === 3",
                                        timeout=WAIT)
            rows = projector.locator("#seats tr")
            shown = {rows.nth(i).locator("td").nth(1).text_content(): rows.nth(i).locator("td").nth(3).text_content()
                     for i in range(3)}
            assert shown == {"Ada": "30 %", "Bo": "55 %", "Cy": "10 %"}, shown

            # Cy closes the tab mid-run: the others keep getting steps, the log releases the seat
            before = [_step_of(s) for s in students[:2]]
            students[2].close()
            for s, step in zip(students[:2], before):
                _wait_step_beyond(s, step + 3)
            projector.wait_for_function(
                "() => [...document.querySelectorAll('#seats td')].some((td) => td.textContent === 'Cy (left: built-in)')",
                timeout=WAIT)
            assert any(a["kind"] == "release" for a in _log_actions(folder))

            # the end: the projector gets the debrief table and figure, each student their story
            projector.click("#end")
            projector.locator("#debrief").wait_for(state="visible", timeout=120_000)
            projector.wait_for_function("() => document.getElementById('debrief-figure').naturalWidth > 0",
                                        timeout=WAIT)
            who = projector.locator("#debrief-rows tr td:first-child").all_text_contents()
            assert len(who) >= 3 and any("class" in w for w in who), who
            for s in students[:2]:
                s.locator("#story").wait_for(state="visible", timeout=WAIT)
                assert s.locator("#story-chart polyline").count() == 3
            watch.check()
        finally:
            browser.close()
    # the server stopped (SIGTERM) and wrote its series; the log alone rebuilds it byte for byte
    done = subprocess.run([sys.executable, "-m", "simulator", "replay", str(folder), "--out", str(tmp_path / "again")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the same, byte for byte" in done.stdout
    assert (folder / "series.csv").read_bytes() == (tmp_path / "again" / "series.csv").read_bytes()
    # the log says what happened and holds no nickname
    log_text = (folder / "session.jsonl").read_text()
    assert not any(name in log_text for name in ("Ada", "Bo", "Cy"))


def test_a_killed_server_resumes_from_its_log_and_the_page_gets_its_seat_back(tmp_path):
    port, folder = checks.free_port(), tmp_path / "session"
    watch = checks.Watch()
    with sync_playwright() as p:
        browser = checks.launch(p)
        try:
            server, url = checks.start_server(_classroom(port, folder, "baseline", "--pace", "5"), port,
                                              tmp_path / "first.log")
            try:
                code, token = classroom.printed(tmp_path / "first.log")
                projector = _instructor(browser.new_context(), url, token, watch)
                student = _student(browser, url, "Dee", code, watch)
                title = student.text_content("#district-title")
                student.fill("#accommodate", "20")
                student.wait_for_function("() => (window.govsimAcks || 0) >= 1", timeout=WAIT)
                projector.click("#run")
                _wait_step_beyond(student, 5)
                projector.click("#run")  # pause, then a last change that no step has used yet
                projector.wait_for_function("() => document.getElementById('run').textContent === 'Start'",
                                            timeout=WAIT)
                student.fill("#accommodate", "40")
                student.wait_for_function("() => (window.govsimAcks || 0) >= 2", timeout=WAIT)
                os.killpg(server.pid, signal.SIGKILL)  # the plug is pulled: no shutdown, only the log
                server.wait()
            finally:
                checks.stop_server(server)
            student.locator("#status").wait_for(state="visible", timeout=WAIT)  # "reconnecting"
            student.fill("#accommodate", "10")  # moved while the server is away: nothing receives it
            assert not (folder / "series.csv").exists()
            logged = sum(a["kind"] == "step" for a in _log_actions(folder))
            assert logged >= 6

            with checks.demo_server(_classroom(port, folder, "--resume", str(folder)), port,
                                    tmp_path / "second.log") as url:
                assert f"resumed at step {logged}" in (tmp_path / "second.log").read_text()
                code_again, token = classroom.printed(tmp_path / "second.log")
                assert code_again == code  # the same join code; the instructor's token is new
                # the page reconnects by itself with its stored key: the same district, and the
                # levers the log holds last (40 %), neither what the last step used (20 %) nor
                # what was moved while nobody listened (10 %)
                student.locator("#status").wait_for(state="hidden", timeout=WAIT)
                student.wait_for_function("() => document.getElementById('accommodate').value === '40'",
                                          timeout=WAIT)
                assert student.text_content("#district-title") == title
                assert _step_of(student) == logged  # resumed paused, where the log ended
                _instructor(browser.new_context(), url, token, watch).click("#run")
                _wait_step_beyond(student, logged + 2)
            assert sum(a["kind"] == "step" for a in _log_actions(folder)) > logged + 2  # one log, going on
            # the kill drops the sockets: the browser reports that, and only that
            watch.errors = [e for e in watch.errors if "WebSocket" not in e]
            watch.check()
        finally:
            browser.close()


@pytest.mark.parametrize("argv, says", [
    (["--seats", "0"], "--seats must be in 1..64"),
    (["--seats", "65"], "--seats must be in 1..64"),
    (["--pace", "0"], "--pace must be in"),
    (["--port", "0"], "--port must be in 1..65535"),
    (["--resume", "{folder}", "--seed", "3"], "--resume goes on with the logged session"),
])
def test_bad_classroom_options_are_one_line_exit_2_and_create_nothing(argv, says, tmp_path):
    folder = tmp_path / "session"
    argv = [a.replace("{folder}", str(folder)) for a in argv]
    out = folder if "--resume" in argv else tmp_path / "new"
    command = [sys.executable, "-m", "simulator", "classroom", *argv]
    if "--resume" not in argv:
        command += ["--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and says in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not out.exists() and not (tmp_path / "runs").exists()


def test_a_taken_port_or_an_existing_folder_is_refused_before_anything_is_made(tmp_path):
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "mine.txt").write_text("mine")
    done = subprocess.run([sys.executable, "-m", "simulator", "classroom", "--out", str(tmp_path / "kept"),
                           "--port", str(checks.free_port())], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "exists already" in done.stderr, done.stderr
    assert [f.name for f in (tmp_path / "kept").iterdir()] == ["mine.txt"]
    with socket.socket() as busy:
        busy.bind((checks.LOOPBACK, 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "simulator", "classroom", "--out", str(tmp_path / "new"),
                               "--port", str(port)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and not (tmp_path / "new").exists()
