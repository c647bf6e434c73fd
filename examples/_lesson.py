"""Shared by the lesson scripts: where to write, and how to report what was measured."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def output_dir(name: str, description: str) -> Path:
    """Parse ``--out`` (default ``lesson_output/<name>``) and create the folder."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=Path("lesson_output") / name,
                        help="folder for the figures and readings.json")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    return out


def report(out: Path, readings: dict[str, float]) -> None:
    """Print each reading and keep them all in ``readings.json``."""
    for key, value in readings.items():
        print(f"  {key} = {value:.4g}" if isinstance(value, float) else f"  {key} = {value}")
    (out / "readings.json").write_text(json.dumps(readings, indent=2) + "\n")
