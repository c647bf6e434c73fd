"""The live room: the session stepped at a steady pace, and every page connected to it.

All of it runs on one asyncio event loop, so the model, the seats and the
log are touched by one thread at a time and no lock is needed. A step takes
a few milliseconds; each page has its own outbox, so a slow or vanished
page never holds up the model or anyone else: its news is dropped and it
gets a fresh snapshot when it catches up.

The room starts paused, so that the class can join before the first step.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import PACE_RANGE
from .access import MessageBudget, same
from .managers import LocalLevers
from .seats import Seat, clean_nickname
from .session import ClassSession
from .views import district_story, instructor_snapshot, instructor_tick, seat_entry, student_snapshot, student_tick

__all__ = ["Room", "Page", "PACE_RANGE", "OUTBOX"]

#: Messages waiting for one page before its news is dropped (it then gets a snapshot).
OUTBOX = 16
#: Refused messages after which a page is disconnected (a flood, not a slip).
FLOOD_LIMIT = 200


@dataclass(eq=False)
class Page:
    """One connected page: the instructor's or a student's."""

    send: Callable[[dict[str, Any]], Any]  # coroutine function sending one message
    role: str
    seat: Seat | None = None
    budget: MessageBudget = field(default_factory=MessageBudget)
    outbox: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(OUTBOX))
    stale: bool = False

    def post(self, message: dict[str, Any]) -> None:
        try:
            self.outbox.put_nowait(message)
        except asyncio.QueueFull:
            self.stale = True  # it missed news: send a snapshot when it has room again


class Room:
    """A classroom session served live."""

    def __init__(self, session: ClassSession, pace: float, code: str, token: str,
                 on_end: Callable[[ClassSession, list[dict[str, Any]]], dict[str, Any]] | None = None,
                 join_url: str = ""):
        self.session = session
        self.join_url = join_url
        self.pace = pace
        self.code, self.token = code, token
        self.paused = True
        self.pages: set[Page] = set()
        self._wake = asyncio.Event()
        self._delivered: deque[float] = deque(maxlen=50)  # when the last steps were taken
        self._on_end = on_end
        self.debrief: dict[str, Any] | None = None
        self.debriefing = False  # the built-in runs for the debrief are being made

    # -- pacing -------------------------------------------------------------------------
    async def pacer(self) -> None:
        """Step at the pace asked, until cancelled; never burst to catch up."""
        due = time.monotonic()
        while True:
            if self.paused:
                self._wake.clear()
                await self._wake.wait()
                due = time.monotonic()
            due += 1.0 / self.pace
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if not self.paused:
                self.step()
            due = max(due, time.monotonic() - 1.0 / self.pace)

    def step(self) -> None:
        self.session.apply({"kind": "step"})
        self._delivered.append(time.monotonic())
        self.news()

    def steps_per_second(self) -> float:
        t = self._delivered
        return (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else 0.0

    def state(self) -> dict[str, Any]:
        return {"paused": self.paused, "pace": self.pace, "delivered": round(self.steps_per_second(), 2),
                "code": self.code, "join_url": self.join_url, "debrief": self.debrief}

    def close(self) -> None:
        """The server stops: the log is synced and closed (a later --resume continues it)."""
        if self.session.log is not None:
            self.session.log.close()

    # -- news ---------------------------------------------------------------------------
    def news(self) -> None:
        tick = None
        for page in self.pages:
            if page.stale:
                page.stale = False
                page.post(self.snapshot(page))
            elif page.role == "instructor":
                tick = tick or {**instructor_tick(self.session), **self.state()}
                page.post(tick)
            elif page.seat is not None:
                page.post(student_tick(self.session, page.seat))

    def snapshot(self, page: Page) -> dict[str, Any]:
        if page.role == "instructor":
            return instructor_snapshot(self.session, self.state())
        assert page.seat is not None
        return student_snapshot(self.session, page.seat)

    def to_instructors(self, message: dict[str, Any]) -> None:
        for page in self.pages:
            if page.role == "instructor":
                page.post(message)

    async def deliver(self, page: Page) -> None:
        """Send ``page`` its news, in order, until it goes away."""
        while True:
            message = await page.outbox.get()
            await page.send(message)

    # -- students -------------------------------------------------------------------------
    def join(self, page: Page, message: dict[str, Any]) -> None:
        """Seat a student (refusals raise ``PermissionError`` or ``ValueError``: one line each)."""
        if not same(message.get("code"), self.code, code=True):
            raise PermissionError("that join code is not this session's: ask your instructor for it")
        nickname = clean_nickname(message.get("nickname"))
        key = message.get("key") if isinstance(message.get("key"), str) else None
        seat, key = self.session.seats.claim(key)
        if seat.connected:
            for other in [p for p in self.pages if p.seat is seat]:
                self.leave(other)  # the same student in a new tab: the old tab gives way
        seat.nickname, seat.connected = nickname, True
        if seat.levers is None:  # first time in this seat: the log learns the seat's key
            self.session.apply({"kind": "seat", "district": seat.district, "key": seat.key})
        levers = seat.levers or self.session.builtin_levers(seat.district)
        self.session.apply({"kind": "hold", "district": seat.district, "levers": levers.as_list()})
        page.seat = seat
        page.post({**student_snapshot(self.session, seat), "key": key})
        if self.debrief is not None:
            page.post(district_story(self.session, seat.district))
        self.to_instructors({"type": "seat", **seat_entry(seat)})

    def levers(self, page: Page, message: dict[str, Any]) -> None:
        seat = page.seat
        if seat is None or not seat.connected:
            raise PermissionError("join first: a page sets only its own district's levers")
        if message.get("district", seat.district) != seat.district:
            raise PermissionError("you manage one district, and it is not that one")
        levers = LocalLevers.parse(message.get("levers"))
        self.session.apply({"kind": "levers", "district": seat.district, "levers": levers.as_list()})
        stamp = message.get("id")
        sent = stamp if isinstance(stamp, (int, float)) and not isinstance(stamp, bool) else None
        page.post({"type": "ack", "id": sent, "levers": levers.as_list()})
        self.to_instructors({"type": "seat", **seat_entry(seat), "id": sent})

    def leave(self, page: Page) -> None:
        """A page went away: a student's district goes back to the built-in policy."""
        self.pages.discard(page)
        seat = page.seat
        if seat is not None and seat.connected and page.role == "student":
            seat.connected = False
            page.seat = None
            self.session.apply({"kind": "release", "district": seat.district})
            self.to_instructors({"type": "seat", **seat_entry(seat)})

    # -- the instructor ---------------------------------------------------------------------
    def control(self, message: dict[str, Any]) -> None:
        """Carry out one of the instructor's controls (``ValueError`` on a bad one)."""
        what = message.get("do")
        if self.debriefing and what in ("resume", "step", "reset", "end"):
            raise ValueError("the debrief is being prepared: wait a few seconds")
        if what == "pause" or what == "resume":
            self.paused = what == "pause"
            self.session.apply({"kind": "pause", "paused": self.paused})
            if not self.paused:
                self._wake.set()
        elif what == "step":
            if not self.paused:
                raise ValueError("pause first: one step at a time is for a paused session")
            self.step()
            return
        elif what == "pace":
            pace = _number(message.get("value"), "pace", *PACE_RANGE)
            self.pace = pace
            self.session.apply({"kind": "pace", "steps_per_second": pace})
        elif what == "centre":
            capacity = _number(message.get("capacity"), "capacity", 0.0, 10.0)
            share = _number(message.get("centralisation"), "centralisation", 0.0, 1.0)
            self.session.apply({"kind": "centre", "capacity": capacity, "centralisation": share})
        elif what == "sharing":
            on = message.get("on")
            if not isinstance(on, bool):
                raise ValueError("sharing is on (true) or off (false)")
            self.session.apply({"kind": "sharing", "on": on})
        elif what == "reset":
            self.paused = True
            self.debrief = None
            self.session.apply({"kind": "reset"})
        else:
            raise ValueError("controls: pause, resume, step, pace, centre, sharing, reset (end: the debrief)")
        self.refresh()

    async def end(self) -> None:
        """The debrief: the class's run beside the built-in policies, and each district's story.

        The built-in runs are made in a thread, so that pages stay answered meanwhile."""
        if self.debriefing:
            raise ValueError("the debrief is being prepared: wait a few seconds")
        self.paused = True
        if self._on_end is not None:
            self.debriefing = True
            self.to_instructors({"type": "debriefing"})
            try:
                self.debrief = await asyncio.to_thread(self._on_end, self.session, list(self.session.actions))
            finally:
                self.debriefing = False
        for page in self.pages:
            if page.role == "student" and page.seat is not None:
                page.post(district_story(self.session, page.seat.district))
        self.refresh()

    def refresh(self) -> None:
        """Every page gets a snapshot (after a control that changes what all of them show)."""
        for page in self.pages:
            if page.role == "instructor" or page.seat is not None:
                page.post(self.snapshot(page))


def _number(value: object, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"{name} must be a number in [{low:g}, {high:g}], got {value!r}")
    return float(value)
