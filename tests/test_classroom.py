"""The classroom session without a browser: managers' levers, seats, the log and its replay,
the debrief, and the live room's refusals (issue 16).

The room is driven on an asyncio loop with pages whose ``send`` is a list (or raises, for a
tab that closed): no network is needed to test who may do what.
"""

import asyncio
import json
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.classroom.access import MessageBudget, new_join_code, same
from simulator.classroom.debrief import CLASS, builtin_runs, debrief
from simulator.classroom.log import SessionLog, read_log
from simulator.classroom.managers import LocalLevers
from simulator.classroom.room import Page, Room
from simulator.classroom.seats import NICKNAME_MAX, Seats, clean_nickname, seat_districts
from simulator.classroom.session import ClassSession, replay
from simulator.errors import UsageError
from simulator.loop.plan import POLICIES
from simulator.model import GovernanceModel
from simulator.scenario import load_scenario

#: A classroom-sized society: 4 x 4 districts, 1,600 agents (a step is about a millisecond).
SMALL = {"society.agents": 1600, "society.districts_per_side": 4}


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("baseline").with_changes(overrides=SMALL, seed=7)


def _run(session, steps):
    for _ in range(steps):
        session.apply({"kind": "step"})


# -- the Plan stage with students -------------------------------------------------------------
def test_without_students_the_session_is_the_plain_model(scenario):
    session = ClassSession(scenario, 16)
    _run(session, 60)
    plain = GovernanceModel(scenario.config, seed=scenario.seed).run(60)
    assert session.model.series().equals(plain.series())


def test_a_managers_levers_reach_only_their_district(scenario):
    """All of the delegated capacity on constraint in district 5: its plan's local part is the
    student's, the centre's part and every other district's plan are the built-in ones."""
    held, plain = ClassSession(scenario, 16), ClassSession(scenario, 16)
    _run(held, 20)
    _run(plain, 20)
    held.apply({"kind": "hold", "district": 5, "levers": [0.0, 1.0, 0.0]})
    held.apply({"kind": "step"})
    plain.apply({"kind": "step"})
    mine, theirs = held.model.loop.plan_made, plain.model.loop.plan_made
    others = np.arange(16) != 5
    for lever in ("accommodate", "constrain", "incentivise"):
        assert np.array_equal(getattr(mine, lever)[others], getattr(theirs, lever)[others])
    delegated = held.delegated()
    assert delegated > 0.05
    centre_share = theirs.central[5]
    assert mine.constrain[5] == pytest.approx(theirs.constrain[5] * centre_share + delegated)
    assert mine.accommodate[5] == pytest.approx(theirs.accommodate[5] * centre_share)
    assert mine.incentivise[5] == 0.0
    # the centre's part still waits for the centre's delay: its share of constraint is what it decided
    assert mine.central_share("constrain")[5] == pytest.approx(
        theirs.constrain[5] * centre_share / mine.constrain[5])


def test_full_centralisation_leaves_managers_nothing(scenario):
    session = ClassSession(scenario, 16)
    session.apply({"kind": "centre", "capacity": 0.4, "centralisation": 1.0})
    assert session.delegated() == 0.0
    session.apply({"kind": "centre", "capacity": 0.4, "centralisation": 0.0})
    assert session.delegated() > 0.1


@pytest.mark.parametrize("values, why", [
    ([0.5, 0.6, 0.0], "add up to 1.10"),
    ([-0.1, 0.0, 0.0], "accommodate must be in [0, 1]"),
    ([0.0, 2, 0.0], "constrain must be in [0, 1]"),
    ([0.0, 0.0, float("nan")], "incentivise must be a number"),
    ([True, 0.0, 0.0], "accommodate must be a number"),
    (["0.5", 0.0, 0.0], "accommodate must be a number"),
    ([0.1, 0.1], "three numbers"),
    ({"a": 1}, "three numbers"),
])
def test_levers_out_of_range_are_refused(values, why):
    with pytest.raises(ValueError, match=re.escape(why)):
        LocalLevers.parse(values)


# -- seats and nicknames ------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   ", "x" * (NICKNAME_MAX + 1), "<script>", "a\x00b", "Ada\x07",
                                  "ok;drop", 42, None])
def test_nicknames_are_short_and_plain(text):
    with pytest.raises(ValueError):
        clean_nickname(text)


def test_nicknames_keep_letters_of_any_script():
    assert clean_nickname("  Zoë   Ōta ") == "Zoë Ōta"
    assert clean_nickname("Ли-Мин") == "Ли-Мин"


def test_a_key_gets_its_seat_back_and_a_full_class_is_refused():
    seats = Seats(seat_districts(2, 16))
    assert [s.district for s in seats] == [0, 15]
    first, key = seats.claim(None)
    again, _ = seats.claim(key)
    assert again is first
    seats.claim("a key nobody was given")
    with pytest.raises(LookupError, match="every seat is taken"):
        seats.claim(None)


def test_join_codes_read_aloud():
    code = new_join_code()
    assert len(code) == 5 and not set(code) & set("0O1IL")
    assert same(f" {code.lower()} ", code, code=True)
    assert not same(code, code + "X", code=True)
    assert not same(None, code)


def test_a_flood_is_refused_at_the_budget():
    now = [0.0]
    budget = MessageBudget(rate=10, burst=20, clock=lambda: now[0])
    assert sum(budget.allow() for _ in range(100)) == 20
    now[0] += 1.0
    assert sum(budget.allow() for _ in range(100)) == 10
    assert budget.refused == 170


# -- the log and its replay ---------------------------------------------------------------------
_ACTIONS = st.lists(st.one_of(
    st.just({"kind": "step"}),
    st.builds(lambda d, a, c: {"kind": "hold", "district": d, "levers": [a, c * (1 - a), 0.0]},
              st.integers(0, 15), st.floats(0, 1), st.floats(0, 1)),
    st.builds(lambda d: {"kind": "release", "district": d}, st.integers(0, 15)),
    st.builds(lambda cap, c: {"kind": "centre", "capacity": cap, "centralisation": c},
              st.floats(0.1, 1.0), st.floats(0, 1)),
    st.builds(lambda on: {"kind": "sharing", "on": on}, st.booleans()),
    st.just({"kind": "reset"}),
), min_size=1, max_size=40)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=_ACTIONS)
def test_replaying_the_log_gives_the_series_bit_for_bit(scenario, tmp_path_factory, actions):
    path = tmp_path_factory.mktemp("log") / "session.jsonl"
    log = SessionLog(path)
    live = ClassSession(scenario, 16, log, code="ABCDE")
    for action in [*actions, {"kind": "step"}, {"kind": "step"}]:
        live.apply(action)
    log.close()
    header, logged = read_log(path)
    assert header["code"] == "ABCDE" and header["seed"] == 7
    again = replay(header, logged)
    assert again.model.series().equals(live.model.series())
    assert again.managers.held == live.managers.held


def test_a_replay_without_the_managers_levers_differs(scenario, tmp_path):
    """The replay test can fail: leave the levers out and the series are not the same."""
    log = SessionLog(tmp_path / "session.jsonl")
    live = ClassSession(scenario, 16, log)
    _run(live, 5)
    for d in range(16):
        live.apply({"kind": "hold", "district": d, "levers": [0.0, 1.0, 0.0]})
    _run(live, 30)
    log.close()
    header, logged = read_log(tmp_path / "session.jsonl")
    skipped = replay(header, [a for a in logged if a["kind"] != "hold"])
    assert not skipped.model.series().equals(live.model.series())


def test_a_line_cut_short_by_a_crash_is_dropped_and_the_log_goes_on(scenario, tmp_path):
    path = tmp_path / "session.jsonl"
    log = SessionLog(path)
    live = ClassSession(scenario, 16, log)
    _run(live, 3)
    log.close()
    with open(path, "a") as f:
        f.write('{"kind": "st')  # the server died mid-write
    _header, logged = read_log(path)
    assert [a["kind"] for a in logged] == ["step"] * 3
    log = SessionLog(path)  # resuming cuts the broken line before appending
    log.append({"kind": "step"})
    log.close()
    assert [a["kind"] for a in read_log(path)[1]] == ["step"] * 4


def test_the_log_never_holds_a_nickname_or_a_seat_key(scenario, tmp_path):
    path = tmp_path / "session.jsonl"
    room = _room(ClassSession(scenario, 16, SessionLog(path)))
    page = _page(room)
    room.join(page, {"code": room.code, "nickname": "Hypatia"})
    key = _drain(room, page)[0]["key"]
    room.session.log.close()
    text = path.read_text()
    assert "Hypatia" not in text and key not in text
    assert '"kind":"seat"' in text


@pytest.mark.parametrize("text, why", [("", "not a govsim session log"),
                                       ('{"kind": "step"}\n', "first line must describe"),
                                       ('{"kind": "session"}\n[1, 2]\n{"kind": "step"}\n', "line 2")])
def test_a_file_that_is_not_a_log_is_refused(tmp_path, text, why):
    path = tmp_path / "x.jsonl"
    path.write_text(text)
    with pytest.raises(UsageError, match=why):
        read_log(path)


# -- the debrief ----------------------------------------------------------------------------------
def test_the_debrief_replays_the_centre_without_the_students(scenario, tmp_path):
    """With nobody seated, the class's run IS the built-in run with the scenario's policy; with
    students constraining everywhere, it is not, and the table says by how much."""
    quiet = ClassSession(scenario, 16)
    quiet.apply({"kind": "centre", "capacity": 0.6, "centralisation": 0.3})
    _run(quiet, 40)
    runs = builtin_runs(quiet, quiet.actions)
    own = next(iter(runs))
    assert "(the scenario's)" in own and runs[own].equals(quiet.model.series())
    assert len(runs) == len(POLICIES)  # the scenario's own policy, then each other one

    busy = ClassSession(scenario, 16)
    for d in range(16):
        busy.apply({"kind": "hold", "district": d, "levers": [0.0, 1.0, 0.0]})
    _run(busy, 40)
    result = debrief(busy, busy.actions, tmp_path)
    rows = {r["who"]: r["values"] for r in result["rows"]}
    assert rows[CLASS] != rows[own]
    assert (tmp_path / "debrief.png").stat().st_size > 50_000
    assert (tmp_path / "series.csv").exists() and "built-in policy alone" in result["words"]


# -- the live room ----------------------------------------------------------------------------------
class _Sent(list):
    async def __call__(self, message):
        self.append(json.loads(json.dumps(message)))  # what goes over the wire is JSON


def _room(session):
    return Room(session, pace=2.0, code="K7QF2", token="t" * 24)


def _page(room, role="student"):
    page = Page(send=_Sent(), role=role)
    page.sent = page.send
    room.pages.add(page)
    return page


def _drain(room, page):
    async def go():
        while not page.outbox.empty():
            await page.send(page.outbox.get_nowait())
    asyncio.run(go())
    return page.sent


def test_joining_needs_the_code_and_a_page_acts_on_its_own_district_only(scenario):
    room = _room(ClassSession(scenario, 16))
    page = _page(room)
    with pytest.raises(PermissionError, match="join code"):
        room.join(page, {"code": "WRONG", "nickname": "Ada"})
    with pytest.raises(PermissionError, match="join first"):
        room.levers(page, {"levers": [0.2, 0.2, 0.2]})
    room.join(page, {"code": "k7qf2", "nickname": "Ada"})
    district = page.seat.district
    with pytest.raises(PermissionError, match="not that one"):
        room.levers(page, {"district": district + 1, "levers": [0.2, 0.2, 0.2]})
    with pytest.raises(ValueError, match="at most 1"):
        room.levers(page, {"levers": [0.5, 0.5, 0.5]})
    room.levers(page, {"levers": [0.2, 0.3, 0.1], "id": 123})
    assert room.session.managers.held == {district: LocalLevers(0.2, 0.3, 0.1)}
    sent = _drain(room, page)
    assert sent[0]["type"] == "welcome" and sent[-1] == {"type": "ack", "id": 123, "levers": [0.2, 0.3, 0.1]}


def test_a_student_who_leaves_hands_back_and_gets_the_seat_again(scenario):
    room = _room(ClassSession(scenario, 16))
    page = _page(room)
    room.join(page, {"code": room.code, "nickname": "Ada"})
    key, district = _drain(room, page)[0]["key"], page.seat.district
    room.levers(page, {"levers": [0.0, 0.9, 0.1]})
    room.leave(page)
    assert room.session.managers.held == {}  # the built-in policy runs the district
    back = _page(room)
    room.join(back, {"code": room.code, "nickname": "Ada again", "key": key})
    assert back.seat.district == district
    assert room.session.managers.held == {district: LocalLevers(0.0, 0.9, 0.1)}
    other = _page(room)
    room.join(other, {"code": room.code, "nickname": "Bo"})
    assert other.seat.district != district


def test_a_tab_closed_mid_step_disturbs_nobody(scenario):
    """One page's socket is gone (its send raises): the model steps, the others get every step."""
    room = _room(ClassSession(scenario, 16))
    stays, goes, projector = _page(room), _page(room), _page(room, "instructor")
    room.join(stays, {"code": room.code, "nickname": "Ada"})
    room.join(goes, {"code": room.code, "nickname": "Bo"})

    async def gone(message):
        raise ConnectionResetError("the tab was closed")
    goes.send = gone

    async def session():
        senders = [asyncio.create_task(_quiet(room.deliver(p))) for p in (stays, goes, projector)]
        for _ in range(5):
            room.step()
            await asyncio.sleep(0)
        room.leave(goes)  # the server notices the closed socket
        for _ in range(5):
            room.step()
            await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        for s in senders:
            s.cancel()
    asyncio.run(session())
    reports = [m for m in stays.sent if m["type"] == "report"]
    ticks = [m for m in projector.sent if m["type"] == "tick"]
    assert [m["step"] for m in reports] == list(range(1, 11))
    assert [m["step"] for m in ticks] == list(range(1, 11))
    assert room.session.step_count == 10
    assert list(room.session.managers.held) == [stays.seat.district]


async def _quiet(coroutine):
    try:
        await coroutine
    except ConnectionResetError:
        pass


def test_instructor_controls_are_checked(scenario):
    room = _room(ClassSession(scenario, 16))
    with pytest.raises(ValueError, match="pause first"):
        room.control({"do": "resume"}) or room.control({"do": "step"})
    room.control({"do": "pause"})
    room.control({"do": "step"})
    assert room.session.step_count == 1
    for bad, why in [({"do": "pace", "value": 0}, "pace must be"), ({"do": "pace", "value": "fast"}, "pace must be"),
                     ({"do": "centre", "capacity": 0.4, "centralisation": 2}, "centralisation must be"),
                     ({"do": "sharing", "on": "yes"}, "on \\(true\\) or off"), ({"do": "explode"}, "controls:")]:
        with pytest.raises(ValueError, match=why):
            room.control(bad)
    room.control({"do": "sharing", "on": True})
    assert room.session.model.knowledge.settings.sharing == 1.0
    room.control({"do": "reset"})
    assert room.session.step_count == 0 and room.paused
