"""Output: run directories and atomic writes.

A run is written into a temporary sibling directory and renamed into place
only when every file is complete, so an interrupted run leaves no
half-written directory behind; an existing directory is never overwritten.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import OutputError

__all__ = ["atomic_write_text", "write_json", "write_csv", "default_run_dir", "RunDirectory"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes owner-only files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _plain(value: Any) -> Any:
    """JSON-safe numbers: numpy scalars to Python, NaN to null."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(_plain(data), indent=2, sort_keys=False) + "\n")


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def default_run_dir(scenario: str, root: Path = Path("runs")) -> Path:
    """``runs/<scenario>-<timestamp>``, with a suffix if that exists already."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = root / f"{scenario}-{stamp}"
    n = 2
    while candidate.exists():
        candidate = root / f"{scenario}-{stamp}-{n}"
        n += 1
    return candidate


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
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(dir=self.final.parent, prefix=f".{self.final.name}.partial-"))
        os.chmod(self.staging, 0o777 & ~_umask())  # mkdtemp makes an owner-only folder

    def __enter__(self) -> "RunDirectory":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            if self.final.exists():
                raise OutputError(f"output directory {self.final} appeared while running; "
                                  f"the run is kept in {self.staging}")
            os.replace(self.staging, self.final)
        else:
            for child in self.staging.iterdir():
                child.unlink()
            self.staging.rmdir()
