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

The **bounds on work** live here too (:data:`LIMITS`): how many steps a run,
runs a command, agent-steps and bytes of results a command may ask for.
Every command checks its estimated cost with :func:`check_work` before it
creates anything and refuses more than the bounds in one line that gives
the cost; the flag ``--large`` (:data:`LARGE_FLAG`) lifts them on purpose.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import parse_override, validate_value
from ..errors import LimitError, ParameterError
from ..parameters import PARAMETERS, Parameter

__all__ = ["Design", "parse_vary", "parse_range", "factorial", "sampled", "SAMPLERS",
           "Limits", "LIMITS", "LARGE_FLAG", "check_work", "check_count", "run_memory",
           "split_assignment", "linspace_spec"]

SAMPLERS: tuple[str, ...] = ("lhs", "sobol", "halton")


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one command may ask for without ``--large``.

    Generous for teaching and research (every shipped scenario and every
    documented command stays far below them); they stop a slip of the
    keyboard (``--steps 1000000000000``) from running for years or asking
    for terabytes of memory.
    """

    steps: int = 100_000                # steps of one agent-model run
    agent_steps: int = 20_000_000_000   # agents x steps, summed over all runs of a command
    runs: int = 100_000                 # runs of one sweep, sensitivity analysis or comparison
    twin_steps: int = 100_000           # steps of one solve of the system-dynamics twin
    scan_points: int = 10_000           # values of one ``equilibria --vary`` scan
    memory: int = 2 * 2**30             # bytes of results a command holds in memory at once
    workers: int = 256                  # worker processes of one sweep


#: The bounds every command checks (see :class:`Limits`).
LIMITS = Limits()
#: The command-line flag that lifts :data:`LIMITS`.
LARGE_FLAG = "--large"


def _n(x: int | float) -> str:
    """A count for a message: exact when small, ``1.2e16`` when large (any size)."""
    if x < 10_000_000:
        return f"{x:,}" if isinstance(x, int) else f"{x:,.0f}"
    e = int(math.log10(x))
    mantissa = int(x) // 10 ** (e - 1) / 10 if isinstance(x, int) else x / 10**e
    if mantissa >= 10:
        mantissa, e = mantissa / 10, e + 1
    return f"{mantissa:g}e{e}"


def _bytes(x: int) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if x >= size:
            return f"{_n(x / size) if x / size < 10_000_000 else _n(x // size)} {unit}"
    return f"{x:,} bytes"


def check_count(what: str, count: int, bound: int, large: bool = False) -> None:
    """Refuse ``count`` items of ``what`` beyond ``bound`` unless ``large``."""
    if not large and count > bound:
        raise LimitError(f"{what}: {_n(count)} is beyond the bound of {_n(bound)} "
                         f"(add {LARGE_FLAG} to do it on purpose)")


#: Estimated bytes a run holds: per step of its series (as Python numbers), per
#: agent of its state, per district and step of the maps ``--animate`` keeps.
_BYTES_PER_SERIES_VALUE, _BYTES_PER_AGENT, _BYTES_PER_MAP_CELL = 40, 200, 8


def run_memory(agents: int, steps: int, runs: int = 1, districts: int = 0) -> int:
    """Estimated bytes ``runs`` runs hold when all their series are kept (for the bounds).

    ``districts``: also a map of that many districts per step (``--animate``).
    """
    from ..series import SERIES

    per_step = len(SERIES) * _BYTES_PER_SERIES_VALUE + districts * _BYTES_PER_MAP_CELL
    return runs * (steps + 1) * per_step + agents * _BYTES_PER_AGENT


def check_work(command: str, *, runs: int = 1, steps: int = 0, agents: int = 0,
               memory: int = 0, twin: bool = False, large: bool = False,
               limits: Limits = LIMITS) -> None:
    """Refuse a command whose estimated cost exceeds ``limits``, unless ``large``.

    Parameters
    ----------
    command : str
        The command, for the message (``"run"``, ``"sweep"``, ...).
    runs, steps, agents : int
        Runs of the command, steps per run and agents per run (0 for the twin).
    memory : int
        Estimated bytes of results the command holds in memory at once.
    twin : bool
        ``steps`` are steps of the twin (bounded by ``limits.twin_steps``).

    Raises
    ------
    LimitError
        One line with the estimated cost, the bounds exceeded and ``--large``.
    """
    if large:
        return
    step_bound = limits.twin_steps if twin else limits.steps
    agent_steps = runs * steps * agents
    bounds = [(steps, step_bound, f"{_n(step_bound)} steps per {'twin solve' if twin else 'run'}"),
              (runs, limits.runs, f"{_n(limits.runs)} runs"),
              (agent_steps, limits.agent_steps, f"{_n(limits.agent_steps)} agent-steps"),
              (memory, limits.memory, f"{_bytes(limits.memory)} of results in memory")]
    over = [text for value, bound, text in bounds if value > bound]
    if not over:
        return
    cost = f"{_n(runs)} run{'s' if runs != 1 else ''} of {_n(steps)} steps"
    if agents:
        cost += f" x {_n(agents)} agents = {_n(agent_steps)} agent-steps"
    if memory:
        cost += f", about {_bytes(memory)} of results in memory"
    raise LimitError(f"{command} would do {cost}; that is beyond the bound{'s' if len(over) > 1 else ''} "
                     f"of {'; '.join(over)} (add {LARGE_FLAG} to run it on purpose)")


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
        raise AssertionError(key)  # not reached
    return p


def split_assignment(text: str, flag: str) -> tuple[str, str]:
    """``key`` and ``spec`` of ``key=spec`` (the text of ``--vary`` or ``--range``)."""
    if "=" not in text:
        raise ParameterError(f"{flag} expects key=..., got {text!r}")
    key, spec = (s.strip() for s in text.split("=", 1))
    if not spec:
        raise ParameterError(f"{flag} {key}: no values given")
    return key, spec


def linspace_spec(key: str, spec: str, p: Parameter, least: int = 1,
                  most: int | None = None) -> np.ndarray:
    """Evenly spaced values from ``start:stop:num`` for the numeric parameter ``p``.

    ``most`` bounds ``num`` (a :class:`LimitError` beyond it); ``None``: no bound.
    """
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
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise ParameterError(f"--vary {key}: start and stop must be finite numbers, got {spec!r}")
    if most is not None:
        check_count(f"--vary {key}: number of values", num, most)
    return np.linspace(start, stop, num)


def parse_vary(text: str, most: int | None = None) -> tuple[str, list[Any]]:
    """``key=start:stop:num`` (evenly spaced) or ``key=v1,v2,...`` (listed).

    ``most`` bounds the number of values (a :class:`LimitError` beyond it).
    """
    key, spec = split_assignment(text, "--vary")
    p = _declared(key, "--vary")
    if ":" in spec:
        raw = linspace_spec(key, spec, p, most=most)
        if p.kind == "int":
            values = list(dict.fromkeys(round(v) for v in raw))  # rounded, repeats dropped
        else:
            values = [float(v) for v in raw]
        return key, [validate_value(key, v) for v in values]
    values = [parse_override(f"{key}={item}")[1] for item in spec.split(",")]
    if len(set(map(repr, values))) != len(values):
        raise ParameterError(f"--vary {key}: a value is listed twice in {spec!r}")
    return key, values


def parse_range(text: str) -> tuple[str, float, float]:
    """``key=lo:hi`` for a sampled design; inside the declared bounds."""
    key, spec = split_assignment(text, "--range")
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
    assert p.low is not None and p.high is not None  # every numeric parameter is declared with both
    for bound in (lo, hi):
        if not p.low <= bound <= p.high:
            raise ParameterError(f"--range {key}: {bound:g} is outside the declared bounds; "
                                 f"{key} takes {p.allowed()}")
    return key, lo, hi


def factorial(varies: list[tuple[str, list[Any]]], most: int | None = None) -> Design:
    """Every combination of the listed values (the first key varies slowest).

    ``most`` bounds the number of points (a :class:`LimitError` beyond it).
    """
    keys = [k for k, _ in varies]
    if len(set(keys)) != len(keys):
        raise ParameterError(f"--vary: a key is given twice ({', '.join(keys)})")
    if most is not None:
        check_count("--vary: points of the full factorial", math.prod(len(v) for _, v in varies), most)
    if not varies:
        return Design("single", (), ({},))
    points = tuple(dict(zip(keys, combo)) for combo in itertools.product(*(v for _, v in varies)))
    return Design("factorial", tuple(keys), points)


def sampled(kind: str, samples: int, ranges: list[tuple[str, float, float]], seed: int,
            most: int | None = None) -> Design:
    """``samples`` points over the ranges from a scrambled quasi-random sequence.

    ``most`` bounds the number of points (a :class:`LimitError` beyond it).
    """
    if kind not in SAMPLERS:
        raise ParameterError(f"--design must be one of {', '.join(SAMPLERS)}, got {kind!r}")
    if not ranges:
        raise ParameterError(f"--design {kind} needs at least one --range key=lo:hi")
    keys = [k for k, _, _ in ranges]
    if len(set(keys)) != len(keys):
        raise ParameterError(f"--range: a key is given twice ({', '.join(keys)})")
    if samples < 1:
        raise ParameterError(f"--samples must be at least 1, got {samples}")
    if most is not None:
        check_count("--samples", samples, most)
    from scipy.stats import qmc  # here, not at the top: `govsim list` imports this module

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
            v = round(v) if PARAMETERS[key].kind == "int" else float(v)
            point[key] = validate_value(key, v)
        points.append(point)
    return Design(kind, tuple(keys), tuple(points), note)
