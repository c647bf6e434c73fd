"""Numbers the texts state, and the tests that hold the texts to them.

``docs/numbers.toml`` lists every number that the scenarios' about texts,
docs/teaching.md and the README state and that is not a setting: each with
the words it appears in (``says``), the value the words give and the tolerance
a measurement may differ by. A phenomenon test measures it and asserts it
with :func:`stated`, so a text cannot drift from what the model does without
a test failing; ``tests/test_stated_numbers.py`` checks the other half, that
every number in the texts is a setting, an input the registry names, or one
of these figures.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "docs" / "numbers.toml"

#: Spelled-out quantities a text may state; each counts as a number.
WORDS = {
    "twice": 2.0, "halved": 0.5, "half": 0.5, "a third": 1 / 3, "a quarter": 0.25,
    "a fifth": 0.2, "a seventh": 1 / 7, "a tenth": 0.1,
    **{f"{w} times": float(n) for n, w in enumerate(
        ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"), start=2)},
}
NUMBER = re.compile(
    r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:\s?%)?(?![\w.]\d)"
    r"|\b(?:" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """One measured number a text states."""

    key: str
    where: str       # the file, relative to the repository
    says: str        # the words around it, as the text has them
    value: float
    tolerance: float


@functools.cache
def _load() -> dict:
    with REGISTRY.open("rb") as f:
        return tomllib.load(f)


def figures() -> dict[str, Figure]:
    """Every declared figure, by ``group.name``."""
    out = {}
    for group, entries in _load().items():
        if group == "input":
            continue
        for name, e in entries.items():
            key = f"{group}.{name}"
            out[key] = Figure(key, e["in"], e["says"], float(e["value"]), float(e["tolerance"]))
    return out


def inputs() -> list[dict]:
    """The spans that are inputs, not measurements: each with ``in``, ``says`` and ``why``."""
    return _load().get("input", [])


def stated(key: str):
    """The figure ``key`` as ``pytest.approx``: ``assert measured == stated(key)``."""
    f = figures()[key]
    return pytest.approx(f.value, abs=f.tolerance)


def bound(key: str) -> float:
    """The figure ``key``'s value, for texts that state a bound ("at least 8 of 10")."""
    return figures()[key].value


def numbers_in(text: str) -> list[tuple[str, float]]:
    """Every number in ``text``, as written and as a value (a percentage divided by 100)."""
    out = []
    for m in NUMBER.finditer(text):
        word = m.group(0)
        if word.lower() in WORDS:
            out.append((word, WORDS[word.lower()]))
            continue
        plain = word.replace(",", "").replace("%", "").strip()
        value = float(plain)
        out.append((word, value / 100 if word.endswith("%") else value))
    return out
