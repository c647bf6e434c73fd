"""Run directories: a folder of results that appears whole or not at all.

A run is written into a temporary sibling directory and renamed into place
only when every file is complete, so an interrupted run leaves no
half-written directory behind; an existing directory is never overwritten.
A command that fails also removes the parent folders it created (``runs/``),
so a refused command leaves nothing behind. Every ``OSError`` of creating or
writing becomes an :class:`~simulator.errors.OutputError` that names the path
and the reason in one line.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from ..errors import OutputError
from .files import os_problem

__all__ = ["default_run_dir", "RunDirectory", "missing_folders", "remove_folders"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _why(exc: OSError | ValueError, folder: Path) -> str:
    """Why ``folder`` cannot be created: a parent that is a file, or the system's reason."""
    for parent in Path(folder).parents:
        try:
            if parent.exists():
                if not parent.is_dir():
                    return f"{parent} is a file, not a folder"
                break
        except (OSError, ValueError):
            break
    return getattr(exc, "strerror", None) or str(exc)


def default_run_dir(scenario: str, root: Path = Path("runs")) -> Path:
    """``runs/<scenario>-<timestamp>``, with a suffix if that exists already.

    Whatever ``scenario`` holds (``../..``, ``/``, a NUL byte), the folder is a
    direct child of ``root``: anything but letters, digits, ``_``, ``.`` and
    ``-`` becomes ``_``, leading dots and dashes go, and the name is cut to 80
    characters.
    """
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(scenario))[:80].lstrip(".-") or "scenario"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = root / f"{safe}-{stamp}"
    n = 2
    while candidate.exists():
        candidate = root / f"{safe}-{stamp}-{n}"
        n += 1
    if candidate.parent != root:  # cannot happen with the name cleaned above
        raise OutputError(f"scenario name {scenario!r} gives no folder inside {root}")
    return candidate


def missing_folders(path: Path) -> list[Path]:
    """``path`` and those of its parents that do not exist yet, deepest first."""
    missing = []
    path = Path(path).absolute()
    try:
        while not path.exists() and path != path.parent:
            missing.append(path)
            path = path.parent
    except (OSError, ValueError):
        pass
    return missing


def remove_folders(folders: list[Path], *, with_contents: bool = False) -> None:
    """Remove ``folders`` (deepest first) that a failed command created.

    Each is removed only while it is empty, except the first (deepest) with
    ``with_contents``: the command's own output folder, with what it wrote.
    """
    for i, folder in enumerate(folders):
        try:
            if i == 0 and with_contents:
                shutil.rmtree(folder)
            else:
                folder.rmdir()
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return  # not empty (another command wrote there): keep it and its parents


class RunDirectory:
    """Collect a run's files in a hidden staging directory, then publish them.

    Use as a context manager; files are written into :attr:`staging` and the
    directory appears at ``final`` only if the block finishes without error.
    """

    def __init__(self, final: Path):
        self.final = Path(final)
        if self.final.exists():
            raise OutputError(
                f"output directory {self.final} exists already; choose another --out "
                "or remove it (runs are never overwritten)"
            )
        self._made = missing_folders(self.final.parent)
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            self.staging = Path(tempfile.mkdtemp(dir=self.final.parent,
                                                 prefix=f".{self.final.name}.partial-"))
            os.chmod(self.staging, 0o777 & ~_umask())  # mkdtemp makes an owner-only folder
        except (OSError, ValueError) as exc:
            remove_folders(self._made)
            raise OutputError(f"cannot create output directory {self.final}: "
                              f"{_why(exc, self.final)}") from None

    def __enter__(self) -> RunDirectory:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            if self.final.exists():
                raise OutputError(f"output directory {self.final} appeared while running; "
                                  f"the run is kept in {self.staging}")
            try:
                os.replace(self.staging, self.final)
            except OSError as exc:
                self._discard()
                raise OutputError(f"cannot create output directory {self.final}: "
                                  f"{_why(exc, self.final)}") from None
            return
        self._discard()
        if isinstance(value, OSError):
            raise OutputError(f"cannot write the output in {self.final}: "
                              f"{os_problem(value)}") from None

    def _discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        remove_folders(self._made)
