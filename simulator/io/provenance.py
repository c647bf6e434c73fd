"""Provenance: the one record of what made a folder of results.

Every command that writes results (``run``, ``compare``, ``twin``,
``equilibria``, ``sweep``, ``sensitivity``) describes them with
:func:`provenance`: the command line, the program's and Python's versions,
when the work started and finished, and, when one scenario made them, that
scenario (name, variant, title, seed and every parameter's value). A command
adds what only it knows as keyword fields (metrics, seeds, a sweep's spec).
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["provenance", "now"]


def now() -> str:
    """The current time in UTC, to the second, as ISO 8601 text."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(moment: datetime | str | None) -> str | None:
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="seconds")
    return moment


def provenance(command: Sequence[str], scenario: Scenario | None = None, *,
               seed: int | None = None, started: datetime | str | None = None,
               finished: datetime | str | None = "now", **extra: Any) -> dict[str, Any]:
    """The provenance record of one command's results, as a JSON-ready dict.

    Parameters
    ----------
    command : sequence of str
        The command line, e.g. ``["govsim", "run", "baseline"]``.
    scenario : Scenario, optional
        The scenario the results come from: its name, variant, title and
        (last, as the longest field) every parameter's value are recorded.
    seed : int, optional
        The seed, or the root seed of a batch of runs (default: the scenario's).
    started, finished : datetime or str, optional
        When the work started and finished; ``finished="now"`` (the default)
        is the time of the call, ``None`` a batch that has not finished yet.
    **extra
        What only this command knows, recorded between the common fields and
        the parameters.
    """
    record: dict[str, Any] = {}
    if scenario is not None:
        record.update(scenario=scenario.name, variant=scenario.variant, title=scenario.title,
                      seed=scenario.seed if seed is None else seed)
    elif seed is not None:
        record["seed"] = seed
    record.update({
        "govsim_version": __version__,
        "command": list(command),
        "started": _text(started),
        "finished": now() if finished == "now" else _text(finished),
        "python": platform.python_version(),
        **extra,
    })
    if scenario is not None:
        record["parameters"] = dict(scenario.config)
    return record
