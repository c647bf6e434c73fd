"""Start the dashboard server: Solara's own server, on loopback unless told otherwise."""

from __future__ import annotations

import os
import sys

__all__ = ["serve", "command"]


def command(host: str, port: int) -> list[str]:
    """The Solara command line that serves :mod:`simulator.dashboard.app`."""
    return [sys.executable, "-m", "solara", "run", "simulator.dashboard.app", "--host", host,
            "--port", str(port), "--no-open", "--production", "--log-level", "warning",
            "--no-check-version"]  # a classroom may be offline: ask nothing of the internet


def serve(scenario: str, host: str, port: int, play: bool) -> None:
    """Replace this process with the server (Ctrl-C stops it)."""
    env = {**os.environ, "GOVSIM_DEMO_SCENARIO": scenario, "GOVSIM_DEMO_PLAY": "1" if play else "0",
           # the page's scripts and fonts are served by this server from the solara-assets
           # package (Solara's "proxy" mode), so the browser never asks a CDN for them
           "SOLARA_ASSETS_PROXY": "True",
           # Mesa 3.3's dashboard trips Solara's hook linter; not something a teacher can fix
           "SOLARA_CHECK_HOOKS": "off"}
    args = command(host, port)
    sys.stdout.flush()
    os.execve(args[0], args, env)
