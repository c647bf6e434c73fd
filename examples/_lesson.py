"""Shared by the lesson scripts: where to write, how to report what was measured.

Each lesson is a function ``lesson(out)`` that :func:`main` runs::

    if __name__ == "__main__":
        sys.exit(main(lesson, "01_inside_the_loop", __doc__))

:func:`main` parses ``--out`` (default ``lesson_output/<name>``) and makes
sure it can write there before any simulation starts. The lesson's files go
into a hidden staging folder inside ``--out`` and are moved into place only
when the lesson has finished, so a run that fails leaves ``--out`` as it was
(and removes the folders it created). Like ``govsim``, a mistake the user can
fix (a bad argument, a place that cannot be written) is one line on stderr
and exit status 2, not a traceback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from matplotlib.figure import Figure

from simulator.errors import GovsimError, OutputError, UsageError
from simulator.io.files import write_json
from simulator.io.rundir import missing_folders, remove_folders
from simulator.viz.figures import save_figure


class Output:
    """The lesson's output folder; files written here appear when the lesson ends."""

    def __init__(self, folder: Path, staging: Path):
        self.folder = folder
        self._staging = staging

    def save_figure(self, fig: Figure, name: str) -> Path:
        """Save ``fig`` as ``name``; return the path it will have in the folder."""
        with _as_output_error(self.folder / name):
            save_figure(fig, self._staging / name)
        return self.folder / name

    def report(self, readings: dict[str, float], words: dict[str, str]) -> None:
        """Print each reading with what it measures, in words; keep them all in ``readings.json``."""
        unsaid = [key for key in readings if key not in words]
        if unsaid:
            raise ValueError(f"readings without words: {unsaid}")
        for key, value in readings.items():
            shown = f"{value:.3g}" if isinstance(value, float) else str(value)
            print(f"  {words[key]}: {shown}  [{key}]")
        with _as_output_error(self.folder / "readings.json"):
            write_json(self._staging / "readings.json", readings)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line instead of usage + exit
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def main(lesson: Callable[[Output], None], name: str, doc: str, argv: list[str] | None = None) -> int:
    """Run ``lesson`` into ``--out``; return the exit status (2 for the user's mistakes)."""
    parser = _Parser(prog=f"{name}.py", description=doc.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("lesson_output") / name,
                        help="folder for the figures and readings.json")
    try:
        folder = parser.parse_args(sys.argv[1:] if argv is None else argv).out
        with _staged(folder) as out:
            lesson(out)
    except GovsimError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted; nothing was written", file=sys.stderr)
        return 130
    return 0


@contextmanager
def _as_output_error(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


@contextmanager
def _staged(folder: Path) -> Iterator[Output]:
    """Create ``folder`` if need be and stage the lesson's files in it; publish them at the end."""
    created = missing_folders(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"--out {folder} is a file, not a folder; choose another --out")
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".lesson-partial-"))
    except OSError as exc:
        remove_folders(created)
        raise OutputError(f"cannot write the lesson's output into {folder}: {exc.strerror or exc}; "
                          "choose another --out") from None
    try:
        yield Output(folder, staging)
        _publish(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        remove_folders(created)
        raise
    staging.rmdir()


def _publish(staging: Path, folder: Path) -> None:
    """Move every staged file into ``folder``, after checking that none is blocked."""
    files = sorted(staging.iterdir())
    for staged in files:
        if (folder / staged.name).is_dir():
            raise OutputError(f"cannot write {folder / staged.name}: a folder of that name is in the way")
    for staged in files:
        with _as_output_error(folder / staged.name):
            os.replace(staged, folder / staged.name)
