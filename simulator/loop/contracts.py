"""The typed contract between the society and the stages of the loop.

Every value that crosses from one part of the loop to the next is one of
these frozen dataclasses, and every array in them has one entry per
*district* (never per agent). That is the guardrail in code: the loop can
only ever hold aggregates, so it cannot score, rank or select individuals.

    society --DistrictState--> Monitor --Observation--> Analyze
    Analyze --Assessment--> Plan --Plan--> Execute --Delivery--> society
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

import numpy as np

__all__ = [
    "DistrictState",
    "Observation",
    "Assessment",
    "Plan",
    "Delivery",
    "LEVERS",
]

#: The four levers, in the order used everywhere (series, figures, tables).
LEVERS: tuple[str, ...] = ("accommodate", "constrain", "incentivise", "mobilise")


def _freeze(obj: object) -> None:
    """Make every array field read-only, so a stage cannot edit its input."""
    for name in _array_fields(type(obj)):  # type: ignore[arg-type]  # mypy: a class is hashable
        value = getattr(obj, name)
        if isinstance(value, np.ndarray):
            value.setflags(write=False)  # half the time of flags.writeable = False


@functools.cache
def _array_fields(cls: type) -> tuple[str, ...]:
    """The fields declared as arrays (all of them, or ``None`` too); looked up once per class,
    since dataclasses.fields() costs a few microseconds a call, five calls a step."""
    return tuple(f.name for f in fields(cls) if "ndarray" in str(f.type))


@dataclass(frozen=True)
class DistrictState:
    """True district aggregates, produced by the society (ground truth).

    Only the Monitor reads this, and it degrades it before anything else
    sees it. All arrays have shape ``(districts,)``.
    """

    population: np.ndarray  # agents living in the district (free or removed)
    expression: np.ndarray  # share expressing
    latent: np.ndarray  # share whose grievance exceeds their threshold
    need: np.ndarray  # mean need
    trust: np.ndarray  # mean trust
    grievance: np.ndarray  # mean grievance
    participation: np.ndarray  # share participating this step
    removed: np.ndarray  # share temporarily removed

    def __post_init__(self) -> None:
        _freeze(self)


@dataclass(frozen=True)
class Observation:
    """What the Monitor reports: noisy, partial, delayed district aggregates."""

    step: int  # the step the data describe (older than now by the delay)
    expression: np.ndarray  # estimated share expressing
    need: np.ndarray  # estimated mean need, from reports by participants
    participation: np.ndarray  # estimated share participating
    sensed: np.ndarray  # share of the district the monitor could sense

    def __post_init__(self) -> None:
        _freeze(self)


@dataclass(frozen=True)
class Assessment:
    """What Analyze concludes: estimated tension, faults and crisis."""

    step: int
    tension: np.ndarray  # filtered estimate per district
    trend: np.ndarray  # smoothed change of tension per step
    forecast: np.ndarray  # tension projected over the horizon
    error: np.ndarray  # forecast minus set-point
    faults: np.ndarray  # bool: district out of bounds
    crisis: bool  # system-wide cascade risk
    expression: np.ndarray  # filtered observed expression
    need: np.ndarray  # filtered reported need

    def __post_init__(self) -> None:
        _freeze(self)

    @property
    def system_tension(self) -> float:
        return float(self.tension.sum() / self.tension.size)  # np.mean's number, faster


@dataclass(frozen=True)
class Plan:
    """Lever intensities per district decided by Plan (capacity units).

    ``central`` is the share of each district's accommodation and constraint
    decided by the centre; Execute delivers that share later than the rest
    (the centre is slower). Incentives and mobilisation go out locally.
    Default: all local. ``central_constrain``, when given, is the centre's
    share of constraint alone (a district manager in a classroom session
    mixes the local part differently from the centre; default: ``central``). ``idle`` says that
    every lever is zero, so that Execute can deliver nothing without arithmetic.
    """

    step: int
    accommodate: np.ndarray
    constrain: np.ndarray
    incentivise: np.ndarray
    mobilise: np.ndarray
    central: np.ndarray | None = None
    idle: bool = False
    central_constrain: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.central is None:
            object.__setattr__(self, "central", np.zeros_like(self.accommodate))
        if self.central_constrain is None:
            object.__setattr__(self, "central_constrain", self.central)
        _freeze(self)

    def central_share(self, lever: str) -> np.ndarray:
        """The share of ``lever`` (accommodate or constrain) that the centre decided."""
        share = self.central_constrain if lever == "constrain" else self.central
        assert share is not None  # filled in on construction
        return share

    def total(self) -> float:
        return float(
            self.accommodate.sum() + self.constrain.sum()
            + self.incentivise.sum() + self.mobilise.sum()
        )

    @classmethod
    def zeros(cls, step: int, districts: int) -> Plan:
        """A plan that does nothing."""
        z = np.zeros(districts)
        return cls(step, z, z.copy(), z.copy(), z.copy(), idle=True)


@dataclass(frozen=True)
class Delivery:
    """What Execute actually delivers to each district after loss and drift."""

    accommodate: np.ndarray
    constrain: np.ndarray
    incentivise: np.ndarray
    mobilise: np.ndarray

    def __post_init__(self) -> None:
        _freeze(self)

    @classmethod
    def zeros(cls, districts: int) -> Delivery:
        z = np.zeros(districts)
        return cls(z, z.copy(), z.copy(), z.copy())
