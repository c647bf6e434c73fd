"""What each page of a classroom session is sent: plain data, district aggregates only.

The instructor's page (the projector) gets the whole picture: the district
map, the system series (latent, expressed, as the loop sees it), the levers
delivered, the seats and who holds them, and what the fast and slow loops
last decided. A student's page gets only what their district's Monitor
reports (late and noisy), the capacity the centre delegates to them and
what was delivered; with information sharing on, also their neighbours'
reports. Nothing here is about an agent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..narrate import describe_loops, describe_step
from .seats import Seat
from .session import ClassSession

__all__ = ["instructor_snapshot", "instructor_tick", "seat_entry", "student_snapshot",
           "student_tick", "SYSTEM_SERIES"]

#: System series the instructor's chart draws (recorder names).
SYSTEM_SERIES: tuple[str, ...] = ("latent", "expression", "observed_expression", "accommodate",
                                  "constrain", "incentivise", "trust")


def _r(x: float, digits: int = 4) -> float:
    return round(float(x), digits)


def seat_entry(seat: Seat) -> dict[str, Any]:
    return {"district": seat.district, "nickname": seat.nickname, "connected": seat.connected,
            "levers": None if seat.levers is None else seat.levers.as_list()}


def _centre(session: ClassSession) -> dict[str, Any]:
    s = session.model.knowledge.settings
    return {"capacity": _r(s.capacity), "centralisation": _r(s.centralisation),
            "delegated": _r(session.delegated()), "sharing": session.sharing,
            "by": "instructor" if session.instructor_centre else "built-in"}


def _loops(session: ClassSession) -> dict[str, Any]:
    report = session.model.report()
    fast = describe_step(report)
    slow = [{"name": c.name, "step": c.step, "did": c.did or c.saw} for c in describe_loops(report)]
    return {"fast": {"Plan": fast["Plan"], "Execute": fast["Execute"]}, "slow": slow}


def instructor_tick(session: ClassSession) -> dict[str, Any]:
    """The instructor's news of one step."""
    m = session.model
    values = {name: _r(m.recorder.model_vars[name][-1]) for name in SYSTEM_SERIES}
    return {"type": "tick", "step": session.step_count, "series": values,
            "map": [_r(x, 3) for x in session.history.true[-1]],
            "seen": [_r(x, 3) for x in session.history.seen[-1]],
            "centre": _centre(session), "loops": _loops(session)}


def instructor_snapshot(session: ClassSession, room: dict[str, Any]) -> dict[str, Any]:
    """Everything the instructor's page shows, from the start of the run (on connecting)."""
    m = session.model
    history = {name: [_r(x) for x in m.recorder.model_vars[name]] for name in SYSTEM_SERIES}
    return {**instructor_tick(session), "type": "snapshot", "history": history,
            "k": m.grid.k, "seats": [seat_entry(s) for s in session.seats],
            "title": session.scenario.title, "question": session.scenario.question,
            "collapse": m.config.society.collapse_level, **room}


def _neighbours(session: ClassSession, district: int) -> list[int]:
    k = session.model.grid.k
    row, col = divmod(district, k)
    near = [(row - 1, col), (row + 1, col), (row, col - 1), (row, col + 1)]
    return [r * k + c for r, c in near if 0 <= r < k and 0 <= c < k]


def _report_of(session: ClassSession, district: int) -> dict[str, Any]:
    """What Monitor and Analyze report of one district (late and noisy)."""
    obs, a = session.model.loop.observation, session.model.knowledge.assessment
    assert obs is not None
    return {"district": district, "expression": _r(obs.expression[district]),
            "need": _r(obs.need[district]), "participation": _r(obs.participation[district]),
            "tension": _r(a.tension[district]), "fault": bool(a.faults[district])}


def student_tick(session: ClassSession, seat: Seat) -> dict[str, Any]:
    """A district manager's news of one step."""
    d = seat.district
    obs = session.model.loop.observation
    assert obs is not None
    delivered = session.history.delivered[-1][:, d]
    out = {"type": "report", "step": session.step_count, "seen_step": int(obs.step),
           **_report_of(session, d), "delegated": _r(session.delegated()),
           "delivered": [_r(x) for x in delivered], "sharing": session.sharing,
           "levers": None if seat.levers is None else seat.levers.as_list()}
    if session.sharing:
        out["neighbours"] = [_report_of(session, n) for n in _neighbours(session, d)]
    return out


def student_snapshot(session: ClassSession, seat: Seat) -> dict[str, Any]:
    """On joining: the seat, and the district's reports so far."""
    story = session.history.of(seat.district)
    k = session.model.grid.k
    return {**student_tick(session, seat), "type": "welcome", "nickname": seat.nickname,
            "row": seat.district // k + 1, "col": seat.district % k + 1, "k": k,
            "history": story["seen"], "title": session.scenario.title,
            "levers_allowed": "three shares of your capacity, adding up to at most 1"}


def district_story(session: ClassSession, district: int) -> dict[str, Any]:
    """After the session: the district's story, what its monitor reported against the truth."""
    story = session.history.of(district)
    delivered = np.array(story["delivered"]) if story["delivered"] else np.zeros((0, 3))
    return {"type": "story", "district": district, "seen": [_r(x, 3) for x in story["seen"]],
            "true": [_r(x, 3) for x in story["true"]], "latent": [_r(x, 3) for x in story["latent"]],
            "accommodate": [_r(x, 3) for x in delivered[:, 0]],
            "constrain": [_r(x, 3) for x in delivered[:, 1]]}
