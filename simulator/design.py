"""The design of a sweep: which parameter points to run.

Two kinds, as in NetLogo's BehaviorSpace and the EMA Workbench:

* a **full factorial** over listed or evenly spaced values
  (``--vary key=v1,v2,v3`` or ``--vary key=start:stop:num``);
* a **sampled** design over ranges (``--range key=lo:hi``) from a
  quasi-random sequence of ``scipy.stats.qmc``: Latin hypercube, Sobol'
  (its size rounded up to a power of two) or Halton, scrambled with the
  sweep's root seed so the same command gives the same points.

Every value is checked against the parameter's declaration before anything
runs; a bad key, value or range is a :class:`ParameterError` that names the
key and what is allowed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import qmc

from .config import parse_override, validate_value
from .errors import ParameterError
from .parameters import PARAMETERS, Parameter

__all__ = ["Design", "parse_vary", "parse_range", "factorial", "sampled", "SAMPLERS"]

SAMPLERS: tuple[str, ...] = ("lhs", "sobol", "halton")


@dataclass(frozen=True)
class Design:
    """The points of a sweep, in order; ``point`` is the index into ``points``."""

    kind: str                      # "factorial", "lhs", "sobol", "halton" or "single"
    keys: tuple[str, ...]          # the varied parameters, in column order
    points: tuple[dict[str, Any], ...]
    note: str = ""                 # anything the user should be told (e.g. rounding)
    #: per point, the point whose random numbers it shares (common random numbers);
    #: empty: every point has its own
    seed_points: tuple[int, ...] = ()

    def seed_point(self, point: int) -> int:
        return self.seed_points[point] if self.seed_points else point

    def rows(self) -> list[dict[str, Any]]:
        """``design.csv`` rows: the point index and its values."""
        return [{"point": i, **p} for i, p in enumerate(self.points)]


def _declared(key: str, flag: str) -> Parameter:
    p = PARAMETERS.get(key)
    if p is None:
        validate_value(key, None)  # raises the unknown-key error, with a suggestion
    return p


def _split(text: str, flag: str) -> tuple[str, str]:
    if "=" not in text:
        raise ParameterError(f"{flag} expects key=..., got {text!r}")
    key, spec = (s.strip() for s in text.split("=", 1))
    if not spec:
        raise ParameterError(f"{flag} {key}: no values given")
    return key, spec


def linspace_spec(key: str, spec: str, p: Parameter, least: int = 1) -> np.ndarray:
    """Evenly spaced values from ``start:stop:num`` for the numeric parameter ``p``."""
    parts = spec.split(":")
    if len(parts) != 3 or p.kind not in ("int", "float"):
        raise ParameterError(
            f"--vary {key}: start:stop:num needs a numeric parameter and three parts, "
            f"got {spec!r}; {key} takes {p.allowed()}")
    try:
        start, stop, num = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise ParameterError(f"--vary {key}: start and stop must be numbers and num an "
                             f"integer, got {spec!r}") from None
    if num < least:
        raise ParameterError(f"--vary {key}: num must be at least {least}, got {num}")
    return np.linspace(start, stop, num)


def parse_vary(text: str) -> tuple[str, list[Any]]:
    """``key=start:stop:num`` (evenly spaced) or ``key=v1,v2,...`` (listed)."""
    key, spec = _split(text, "--vary")
    p = _declared(key, "--vary")
    if ":" in spec:
        raw = linspace_spec(key, spec, p)
        if p.kind == "int":
            values = list(dict.fromkeys(int(round(v)) for v in raw))  # rounded, repeats dropped
        else:
            values = [float(v) for v in raw]
        return key, [validate_value(key, v) for v in values]
    values = [parse_override(f"{key}={item}")[1] for item in spec.split(",")]
    if len(set(map(repr, values))) != len(values):
        raise ParameterError(f"--vary {key}: a value is listed twice in {spec!r}")
    return key, values


def parse_range(text: str) -> tuple[str, float, float]:
    """``key=lo:hi`` for a sampled design; inside the declared bounds."""
    key, spec = _split(text, "--range")
    p = _declared(key, "--range")
    if p.kind not in ("int", "float"):
        raise ParameterError(f"--range {key}: only numeric parameters can be sampled; "
                             f"{key} takes {p.allowed()} (use --vary to list its values)")
    try:
        lo, hi = (float(x) for x in spec.split(":"))
    except ValueError:
        raise ParameterError(f"--range {key}: expected lo:hi with two numbers, got {spec!r}") from None
    if not lo < hi:
        raise ParameterError(f"--range {key}: lo must be below hi, got {spec!r}")
    for bound in (lo, hi):
        if not p.low <= bound <= p.high:
            raise ParameterError(f"--range {key}: {bound:g} is outside the declared bounds; "
                                 f"{key} takes {p.allowed()}")
    return key, lo, hi


def factorial(varies: list[tuple[str, list[Any]]]) -> Design:
    """Every combination of the listed values (the first key varies slowest)."""
    keys = [k for k, _ in varies]
    if len(set(keys)) != len(keys):
        raise ParameterError(f"--vary: a key is given twice ({', '.join(keys)})")
    if not varies:
        return Design("single", (), ({},))
    points = tuple(dict(zip(keys, combo)) for combo in itertools.product(*(v for _, v in varies)))
    return Design("factorial", tuple(keys), points)


def sampled(kind: str, samples: int, ranges: list[tuple[str, float, float]], seed: int) -> Design:
    """``samples`` points over the ranges from a scrambled quasi-random sequence."""
    if kind not in SAMPLERS:
        raise ParameterError(f"--design must be one of {', '.join(SAMPLERS)}, got {kind!r}")
    if not ranges:
        raise ParameterError(f"--design {kind} needs at least one --range key=lo:hi")
    keys = [k for k, _, _ in ranges]
    if len(set(keys)) != len(keys):
        raise ParameterError(f"--range: a key is given twice ({', '.join(keys)})")
    if samples < 1:
        raise ParameterError(f"--samples must be at least 1, got {samples}")
    note = ""
    rng = np.random.default_rng(seed)
    d = len(ranges)
    if kind == "sobol":
        n = 1 << max(0, int(np.ceil(np.log2(samples))))
        if n != samples:
            note = f"Sobol' points come in powers of two: {samples} samples rounded up to {n}"
        unit = qmc.Sobol(d, scramble=True, rng=rng).random(n)
    elif kind == "halton":
        unit = qmc.Halton(d, scramble=True, rng=rng).random(samples)
    else:
        unit = qmc.LatinHypercube(d, rng=rng).random(samples)
    lo = np.array([r[1] for r in ranges])
    hi = np.array([r[2] for r in ranges])
    values = qmc.scale(unit, lo, hi)
    points = []
    for row in values:
        point = {}
        for key, v in zip(keys, row):
            v = int(round(v)) if PARAMETERS[key].kind == "int" else float(v)
            point[key] = validate_value(key, v)
        points.append(point)
    return Design(kind, tuple(keys), tuple(points), note)
