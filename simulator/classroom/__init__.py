"""The classroom: a whole class inside one running model (``govsim classroom``).

Each student manages a district from their own browser, seeing only what
that district's monitor reports; the centre is the built-in policy or the
instructor; the projector shows the whole. Modules, in the order data
flows: :mod:`.managers` (students' levers in the Plan stage), :mod:`.seats`
(who holds which district), :mod:`.log` (every action, as it happens),
:mod:`.session` (the shared model and its actions; replay), :mod:`.views`
(what each page is sent), :mod:`.debrief` (the class against the built-in
policies), :mod:`.access` (join code, token, floods), :mod:`.room` (the live
session on one event loop) and :mod:`.server` (the pages, over WebSockets).

The server needs Starlette, uvicorn and websockets (the ``viz`` extra);
nothing outside :mod:`.room` and :mod:`.server` imports them.
"""

from __future__ import annotations

from importlib import util

__all__ = ["missing_classroom", "SERVER_MODULES", "PACE_RANGE"]

#: Steps per second the instructor may ask for.
PACE_RANGE = (0.1, 20.0)

#: What the classroom server imports beyond govsim's own dependencies: module -> requirement.
SERVER_MODULES: dict[str, str] = {"starlette": "starlette", "uvicorn": "uvicorn", "websockets": "websockets"}


def missing_classroom() -> str | None:
    """Why the classroom server cannot start here (one line), or ``None`` when it can."""
    missing = [req for module, req in SERVER_MODULES.items() if util.find_spec(module) is None]
    if missing:
        return (f"govsim classroom needs the viz extra ({', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing): python -m pip install \"govsim[viz]\" "
                "(in a checkout: python -m pip install -e \".[viz]\")")
    return None
