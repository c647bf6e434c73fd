"""Who may do what in a classroom session: the join code, the instructor token, and floods.

Students join with a short code the instructor reads out (letters and
digits that cannot be misread: no 0/O, 1/I/L). The instructor's controls
need a long token that only the terminal shows. Every connection gets a
budget of messages (a token bucket), so that a page sending a flood is
refused without slowing the model.
"""

from __future__ import annotations

import secrets
import time

__all__ = ["new_join_code", "new_token", "same", "MessageBudget", "CODE_ALPHABET"]

#: Join-code letters: no look-alikes, so a code read aloud is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_join_code(length: int = 5) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_token() -> str:
    return secrets.token_urlsafe(18)


def same(given: object, expected: str, *, code: bool = False) -> bool:
    """Whether ``given`` is ``expected``, in constant time (for a join code: case and spaces aside)."""
    if not isinstance(given, str):
        return False
    if code:
        given, expected = "".join(given.split()).upper(), expected.upper()
    return secrets.compare_digest(given.encode(), expected.encode())


class MessageBudget:
    """A token bucket: ``burst`` messages at once, refilled at ``rate`` a second."""

    def __init__(self, rate: float = 10.0, burst: float = 20.0, clock=time.monotonic):
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens, self._last = burst, clock()
        self.refused = 0

    def allow(self) -> bool:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        self.refused += 1
        return False
