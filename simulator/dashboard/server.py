"""Start the dashboard server, and hand it the scenario.

``govsim demo`` validates the scenario, then replaces itself with Solara's
server (on loopback unless told otherwise). The server is another program,
so the scenario goes to it as data: its fully resolved TOML text in the
``GOVSIM_DEMO_SCENARIO`` environment variable, parsed and validated again
on the other side. A scenario file that is not shipped (``govsim demo
my_lesson.toml``) therefore works like a shipped one, and nothing is loaded
again by name.
"""

from __future__ import annotations

import functools
import os
import sys
import tomllib
from collections.abc import Mapping

from ..scenario import Scenario, load_scenario, parse_scenario

__all__ = ["serve", "command", "environment", "demo_scenario", "demo_play",
           "SCENARIO_VARIABLE", "PLAY_VARIABLE"]

#: The scenario the server shows, as TOML text (unset: the shipped baseline).
SCENARIO_VARIABLE = "GOVSIM_DEMO_SCENARIO"
#: "1" when the student plays the Plan stage (``govsim demo --play``).
PLAY_VARIABLE = "GOVSIM_DEMO_PLAY"


def command(host: str, port: int) -> list[str]:
    """The Solara command line that serves :mod:`simulator.dashboard.app`."""
    return [sys.executable, "-m", "solara", "run", "simulator.dashboard.app", "--host", host,
            "--port", str(port), "--no-open", "--production", "--log-level", "warning",
            "--no-check-version"]  # a classroom may be offline: ask nothing of the internet


def environment(scenario: Scenario | str, play: bool) -> dict[str, str]:
    """The variables that tell the server what to show.

    ``scenario`` is a loaded scenario, or a name or path loaded here.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return {SCENARIO_VARIABLE: sc.to_toml(), PLAY_VARIABLE: "1" if play else "0"}


def demo_scenario(environ: Mapping[str, str] | None = None) -> Scenario:
    """The scenario :func:`environment` handed over (the baseline when there is none)."""
    text = (os.environ if environ is None else environ).get(SCENARIO_VARIABLE)
    return _parse(text) if text else load_scenario("baseline")


def demo_play(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the student plays the Plan stage."""
    return (os.environ if environ is None else environ).get(PLAY_VARIABLE) == "1"


@functools.lru_cache(maxsize=4)
def _parse(text: str) -> Scenario:
    """Parse once per server: every session and every redraw shares the one scenario."""
    return parse_scenario(tomllib.loads(text), source=f"${SCENARIO_VARIABLE}")


def serve(scenario: Scenario | str, host: str, port: int, play: bool) -> None:
    """Replace this process with the server (Ctrl-C stops it)."""
    env = {**os.environ, **environment(scenario, play),
           # the page's scripts and fonts are served by this server from the solara-assets
           # package (Solara's "proxy" mode), so the browser never asks a CDN for them
           "SOLARA_ASSETS_PROXY": "True",
           # Mesa 3.3's dashboard trips Solara's hook linter; not something a teacher can fix
           "SOLARA_CHECK_HOOKS": "off"}
    args = command(host, port)
    sys.stdout.flush()
    os.execve(args[0], args, env)
