"""Seats: which district each student manages, and how they get it back.

A seat is a district. A student who joins gets a free seat and a *seat key*
(a random token their browser keeps); a student who comes back with the key
gets the same seat, even after the server restarts, because the log keeps a
hash of the key (never the key, never the nickname). Nicknames live in
memory only, and are short and plain so that a projector shows nothing
worse than a made-up name.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

import numpy as np

from .managers import LocalLevers

__all__ = ["Seat", "Seats", "clean_nickname", "seat_districts", "key_hash", "NICKNAME_MAX"]

#: Longest nickname, in characters.
NICKNAME_MAX = 20
_NICKNAME = re.compile(r"[\w .'\-]+")


def clean_nickname(text: object) -> str:
    """A nickname fit for the projector, or ``ValueError`` saying what is allowed."""
    if not isinstance(text, str):
        raise ValueError("a nickname is text")
    name = " ".join(unicodedata.normalize("NFKC", text).split())
    if not name:
        raise ValueError("type a nickname")
    if len(name) > NICKNAME_MAX:
        raise ValueError(f"a nickname has at most {NICKNAME_MAX} characters")
    if not _NICKNAME.fullmatch(name):
        raise ValueError("a nickname may hold letters, digits, spaces and . ' - _ only")
    return name


def key_hash(key: str) -> str:
    """What the log keeps of a seat key."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def seat_districts(seats: int, districts: int) -> list[int]:
    """The districts that have seats: all of them, or ``seats`` spread over the grid."""
    if seats >= districts:
        return list(range(districts))
    return sorted({int(d) for d in np.linspace(0, districts - 1, seats).round()})


@dataclass
class Seat:
    """One district's seat."""

    district: int
    key: str | None = None        # hash of the seat key; None: nobody ever sat here
    nickname: str | None = None   # memory only
    connected: bool = False
    levers: LocalLevers | None = None  # the student's last levers

    @property
    def held(self) -> bool:
        return self.connected and self.levers is not None


class Seats:
    """Every seat of the session."""

    def __init__(self, districts: list[int]):
        self.by_district: dict[int, Seat] = {d: Seat(d) for d in districts}

    def __iter__(self):
        return iter(self.by_district.values())

    def __len__(self) -> int:
        return len(self.by_district)

    def claim(self, key: str | None) -> tuple[Seat, str]:
        """The seat for a student with ``key`` (their own, if the key is known), and the key.

        Raises ``LookupError`` when every seat is taken.
        """
        if key:
            hashed = key_hash(key)
            for seat in self:
                if seat.key == hashed:
                    return seat, key
        for seat in self:
            if seat.key is None:
                key = secrets.token_urlsafe(18)
                seat.key = key_hash(key)
                return seat, key
        raise LookupError(f"every seat is taken ({len(self)} seats); "
                          "the instructor can start the session with more (--seats)")

    def restore(self, district: int, hashed: str) -> None:
        """Give back a seat the log says was claimed (resuming a session)."""
        if district in self.by_district:
            self.by_district[district].key = hashed
