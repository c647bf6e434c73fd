"""The classroom server: the instructor's and the students' pages, over WebSockets.

Built on Starlette and uvicorn (they come with the ``viz`` extra, as Solara
runs on them). Routes:

``/``                 a student's page: nickname and join code, then their district
``/instructor``       the projector's page (the token follows ``#`` in its address)
``/ws/student``       a student's messages: ``join``, ``levers``
``/ws/instructor``    the instructor's: ``hello`` (with the token), then controls
``/static/NAME``      the pages' script and style (no CDN: a classroom may be offline)
``/debrief.png``      the debrief figure, once the instructor has ended the session

A message a page should not send (bad JSON, a wrong code, out-of-range
levers, someone else's district, a flood) gets a one-line ``refused``
reply and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..io.files import package_text
from .access import same
from .room import FLOOD_LIMIT, Page, Room

__all__ = ["build_app", "MAX_PAGES", "MESSAGE_BYTES", "STATIC"]

#: Pages connected at once (a class of 30 with spare tabs, and the projector).
MAX_PAGES = 200
#: Largest message a page may send (levers and a nickname need far less).
MESSAGE_BYTES = 4096
#: Files a page may ask for, and their types.
STATIC = {"classroom.js": "text/javascript", "classroom.css": "text/css"}
#: Seconds the instructor's page has to show its token.
HELLO_SECONDS = 10


def _asset(name: str) -> str:
    return package_text("simulator.classroom", "static", name)


def build_app(room: Room, folder: Path) -> Starlette:
    """The ASGI application of one classroom session."""

    async def student_page(request) -> Response:
        return HTMLResponse(_asset("student.html"))

    async def instructor_page(request) -> Response:
        return HTMLResponse(_asset("instructor.html"))

    async def static(request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("not found", status_code=404)
        return Response(_asset(name), media_type=STATIC[name])

    async def debrief_png(request) -> Response:
        path = folder / "debrief.png"
        if room.debrief is None or not path.exists():
            return PlainTextResponse("the session has not been ended yet", status_code=404)
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def student_socket(ws: WebSocket) -> None:
        await _serve_page(room, ws, "student")

    async def instructor_socket(ws: WebSocket) -> None:
        await _serve_page(room, ws, "instructor")

    @contextlib.asynccontextmanager
    async def lifespan(app):
        pacer = asyncio.create_task(room.pacer())
        try:
            yield
        finally:
            pacer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pacer
            room.close()

    routes = [Route("/", student_page), Route("/instructor", instructor_page),
              Route("/static/{name}", static), Route("/debrief.png", debrief_png),
              WebSocketRoute("/ws/student", student_socket),
              WebSocketRoute("/ws/instructor", instructor_socket)]
    return Starlette(routes=routes, lifespan=lifespan)


async def _serve_page(room: Room, ws: WebSocket, role: str) -> None:
    if len(room.pages) >= MAX_PAGES:
        await ws.close(code=1013, reason="the session is full")
        return
    await ws.accept()
    if role == "instructor" and not await _instructor_hello(room, ws):
        return
    page = Page(send=ws.send_json, role=role)
    room.pages.add(page)
    sender = asyncio.create_task(_deliver(room, page))
    if role == "instructor":
        page.post(room.snapshot(page))
    try:
        while True:
            text = await ws.receive_text()
            if not page.budget.allow():
                if page.budget.refused >= FLOOD_LIMIT:
                    await ws.close(code=1008, reason="too many messages")
                    return
                if page.budget.refused % 20 == 1:  # say so, but do not flood back
                    page.post({"type": "refused", "why": "too many messages: slow down"})
                continue
            await _handle(room, page, text)
    except WebSocketDisconnect:
        pass
    finally:
        sender.cancel()
        room.leave(page)


async def _instructor_hello(room: Room, ws: WebSocket) -> bool:
    """The instructor's page must first show the token the terminal printed."""
    try:
        text = await asyncio.wait_for(ws.receive_text(), HELLO_SECONDS)
        message = json.loads(text)
    except (TimeoutError, json.JSONDecodeError, WebSocketDisconnect):
        message = None
    if not isinstance(message, dict) or not same(message.get("token"), room.token):
        with contextlib.suppress(RuntimeError):
            await ws.send_json({"type": "refused", "why": "this page needs the instructor's token: open "
                                "the address the terminal printed, with its #token=..."})
            await ws.close(code=1008)
        return False
    return True


async def _deliver(room: Room, page: Page) -> None:
    with contextlib.suppress(Exception):  # the page went away: its receive loop ends it
        await room.deliver(page)


async def _handle(room: Room, page: Page, text: str) -> None:
    try:
        try:
            message: Any = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError("a message is a JSON object with a type") from None
        if not isinstance(message, dict):
            raise ValueError("a message is a JSON object with a type")
        kind = message.get("type")
        if page.role == "student" and kind == "join":
            if page.seat is not None:
                raise ValueError("this page already has a seat")
            room.join(page, message)
        elif page.role == "student" and kind == "levers":
            room.levers(page, message)
        elif page.role == "instructor" and kind == "control":
            if message.get("do") == "end":
                await room.end()
            else:
                room.control(message)
        else:
            allowed = "join, levers" if page.role == "student" else "control"
            raise ValueError(f"this page may send: {allowed}")
    except (ValueError, PermissionError, LookupError) as exc:
        page.post({"type": "refused", "why": str(exc)})
