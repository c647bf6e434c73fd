"""A sweep's folder as a library function: run it, and leave nothing behind if it fails early.

:func:`sweep` runs :func:`~simulator.experiments.sweep.run_sweep` into
folder ``out``. A sweep streams its runs to disk as they finish, so that an
interrupted one resumes (``resume=True``); but if it fails before any run
has finished, the folders it created are removed, so that a refused or
broken command leaves nothing behind. An ``OSError`` of writing becomes one
line naming the folder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GovsimError, OutputError
from .files import os_problem
from .rundir import missing_folders, remove_folders

if TYPE_CHECKING:
    from ..experiments.sweep import SweepReport, SweepSpec

__all__ = ["sweep"]


def sweep(spec: SweepSpec, out: Path, *, command: Sequence[str], engine: str = "process",
          workers: int | None = None, scheduler: str | None = None, resume: bool = False,
          fmt: str = "csv", progress: Callable[[int, int], None] | None = None) -> SweepReport:
    """Run the sweep ``spec`` into ``out`` (see the module docstring)."""
    from ..experiments.sweep import run_sweep

    made = missing_folders(out)
    try:
        return run_sweep(spec, out, engine=engine, workers=workers, scheduler=scheduler,
                         resume=resume, fmt=fmt, command=list(command), progress=progress)
    except (Exception, KeyboardInterrupt) as exc:
        if made and not _had_runs(out):
            remove_folders(made, with_contents=True)
        if isinstance(exc, (OSError, ValueError)) and not isinstance(exc, GovsimError):
            raise OutputError(f"cannot write the sweep in {out}: {os_problem(exc)}") from None
        raise


def _had_runs(out: Path) -> bool:
    """Whether a sweep folder holds a finished run (then it is kept, for resume)."""
    return any((Path(out) / "runs").glob("run-*.json"))
