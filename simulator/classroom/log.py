"""The session log: every action of a classroom session, one JSON line each, as it happens.

The first line says what the session is (the scenario as TOML text, the
seed, the seats, the versions); every later line is one action in the order
the server carried it out: a step of the model, a seat held or released,
a manager's levers, the centre's budget and centralisation, the sharing
switch, a reset. Replaying the lines in order on a fresh model therefore
gives the session's series bit for bit (:func:`simulator.classroom.session.replay`),
and a server stopped mid-session resumes by replaying its own log.

Nicknames are never written: a seat is named by its district and by a
hash of the key the student's browser holds, so that the student can get
the seat back after a restart without the log knowing who they are.

Lines are flushed as they are written and the file is synced to disk at
every step. A last line cut short by a crash is ignored on reading.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..io.files import load_text, open_journal

__all__ = ["SessionLog", "read_log", "LOG_NAME"]

#: The log's name inside a session folder.
LOG_NAME = "session.jsonl"


class SessionLog:
    """Append actions to a session log (created if missing)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._file = open_journal(self.path)  # a line cut short by a crash is dropped first

    def append(self, action: dict[str, Any]) -> None:
        self._file.write(json.dumps(action, separators=(",", ":"), allow_nan=False) + "\n")
        self._file.flush()
        if action.get("kind") == "step":
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()


def read_log(path: Path | str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header and the actions of a session log.

    A last line cut short (the server was killed while writing it) is left
    out; any other line that is not a JSON object is refused.
    """
    path = Path(path)
    try:
        lines = load_text(path).splitlines()
    except FileNotFoundError:
        raise UsageError(f"no session log at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the session log {path}: {exc}") from None
    entries = []
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                break  # cut short by a crash: the action never took effect on disk
            raise UsageError(f"{path}, line {number}: not a session log line") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str):
            raise UsageError(f"{path}, line {number}: not a session log line")
        entries.append(entry)
    if not entries or entries[0]["kind"] != "session":
        raise UsageError(f"{path} is not a govsim session log (its first line must describe the session)")
    return entries[0], entries[1:]
