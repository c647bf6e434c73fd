"""Does a lesson survive a student's hands? A scenario's claims under moderate changes.

A scenario's ``[phenomenon]`` declares its claims (:mod:`simulator.phenomenon`).
:func:`judge` measures one claim on a comparison of variants, seed by seed;
:func:`robustness` runs the claimed variants under each of a set of moderate
changes a seminar makes without thinking twice (:func:`conditions`) and judges
every claim in each:

* as shipped, on fresh seeds;
* half and twice the agents;
* 6 x 6 districts;
* runs 1.5 times as long;
* the scenario's key parameter 20 % lower and 20 % higher.

:func:`band` goes further along the key parameter alone, from half to one
and a half times the shipped value, to show where each claim stops being
true: the question a seminar asks next.

Fresh seeds: the replicates draw the random numbers of sweep point 1, not
point 0 as ``compare`` and the phenomenon tests do, so they are runs that
nobody tuned anything on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ScenarioError, UsageError
from ..parameters import PARAMETERS
from ..phenomenon import Claim, Phenomenon, change_names
from ..scenario import Scenario
from .compare import Comparison, compare_each
from .measures import measure

__all__ = ["Verdict", "Condition", "judge", "claims_of", "conditions", "chosen_conditions", "robustness",
           "band_values", "band",
           "FRESH_SEEDS"]

#: The sweep point whose random numbers robustness runs draw (compare's is 0).
FRESH_SEEDS = 1


@dataclass(frozen=True)
class Verdict:
    """How one claim fared over the seeds of one comparison.

    ``effect`` holds, per seed, the difference in the claimed direction:
    positive when the seed bears the claim out.
    """

    claim: Claim
    effect: np.ndarray

    @property
    def mean(self) -> float:
        return float(np.nanmean(self.effect)) if np.isfinite(self.effect).any() else float("nan")

    @property
    def sd(self) -> float:
        finite = self.effect[np.isfinite(self.effect)]
        return float(finite.std(ddof=1)) if finite.size > 1 else 0.0

    @property
    def holding(self) -> int:
        """Seeds in which the difference goes the claimed way."""
        return int(np.count_nonzero(self.effect > 0))

    def figures(self) -> dict[str, float | int | bool]:
        """The verdict as a table row: mean, sd, seeds holding, seeds, margin, holds."""
        return {"mean": self.mean, "sd": self.sd, "holding": self.holding,
                "seeds": int(self.effect.size), "by": self.claim.by, "holds": self.holds}

    @property
    def holds(self) -> bool:
        """Large enough on average, and in enough seeds."""
        c = self.claim
        return bool(self.mean >= c.by and self.holding >= c.seeds * self.effect.size - 1e-9
                    and np.isfinite(self.mean))


def judge(claim: Claim, comparison: Comparison) -> Verdict:
    """Measure ``claim`` on every replicate of ``comparison`` (paired by seed)."""
    mine = np.array([measure(f, claim) for f in comparison.series[claim.variant]])
    if isinstance(claim.than, str):
        other = np.array([measure(f, claim) for f in comparison.series[claim.than]])
    else:
        other = np.full_like(mine, claim.than)
    effect = other - mine if claim.is_ == "lower" else mine - other
    return Verdict(claim, effect)


@dataclass(frozen=True)
class Condition:
    """One moderate change: a name, the parameter values it sets, the run length."""

    name: str
    overrides: dict
    steps: int


def _scaled(key: str, value: float, factor: float) -> float | int:
    p = PARAMETERS[key]
    new = value * factor
    if p.kind == "int":
        new = round(new)
    low = p.low if p.low is not None else new
    high = p.high if p.high is not None else new
    return type(new)(min(max(new, low), high))


def conditions(scenario: Scenario) -> list[Condition]:
    """The moderate changes (see the module's text), for ``scenario``."""
    config, steps = scenario.config, scenario.steps
    agents = config["society.agents"]
    key = scenario.phenomenon.key if scenario.phenomenon else None
    changes: list[tuple[dict, int]] = [({"society.agents": _scaled("society.agents", agents, 0.5)}, steps),
                                       ({"society.agents": _scaled("society.agents", agents, 2.0)}, steps),
                                       ({"society.districts_per_side": 6}, steps),
                                       ({}, round(steps * 1.5))]
    if key is not None:
        changes += [({key: _scaled(key, config[key], factor)}, steps) for factor in (0.8, 1.2)]
    # the names are the scenario files' (a claim's fails_under names them), in the same order
    return [Condition("as shipped", {}, steps)] + [
        Condition(name, overrides, n) for name, (overrides, n) in zip(change_names(key), changes, strict=True)]


def chosen_conditions(scenario: Scenario, only: list[str] | None = None) -> list[Condition]:
    """The conditions of ``scenario``, or those named in ``only`` (an unknown name is refused)."""
    made = conditions(scenario)
    if not only:
        return made
    names = [c.name for c in made]
    for name in only:
        if name not in names:
            raise UsageError(f"no condition {name!r}; conditions: {', '.join(names)}")
    return [c for c in made if c.name in only]


def claims_of(scenario: Scenario) -> Phenomenon:
    """The scenario's declared phenomenon (refused in one line if it declares none)."""
    if scenario.phenomenon is None:
        raise ScenarioError(f"scenario '{scenario.name}' declares no [phenomenon] to test")
    return scenario.phenomenon


def _judged(scenario: Scenario, changed: dict, replicates: int, **engine) -> dict:
    """Every claim of ``scenario`` judged on fresh seeds of each changed scenario (the same variants).

    ``changed`` maps a label to ``(scenario, steps)``; all of their runs go to one pool.
    """
    phenomenon = claims_of(scenario)
    compared = compare_each(changed, replicates, variants=phenomenon.variants, seed_point=FRESH_SEEDS,
                            **engine)
    return {label: [judge(c, comparison) for c in phenomenon.claims] for label, comparison in compared.items()}


def robustness(scenario: Scenario, replicates: int, *, only: list[str] | None = None,
               engine: str = "serial", workers: int | None = None,
               scheduler: str | None = None) -> list[tuple[Condition, list[Verdict]]]:
    """Judge every claim of ``scenario`` under each condition (or those named in ``only``)."""
    claims_of(scenario)
    chosen = chosen_conditions(scenario, only)
    judged = _judged(scenario, {c.name: (scenario.with_changes(overrides=c.overrides), c.steps) for c in chosen},
                     replicates, engine=engine, workers=workers, scheduler=scheduler)
    return [(condition, judged[condition.name]) for condition in chosen]


def band_values(scenario: Scenario, points: int) -> list[float | int]:
    """``points`` values of the key parameter from 0.5 to 1.5 times the shipped one (within its bounds)."""
    key = claims_of(scenario).key
    if key is None:
        raise ScenarioError(f"scenario '{scenario.name}' names no [phenomenon] key to vary")
    shipped = scenario.config[key]
    if not shipped:
        raise ScenarioError(f"{key} is 0 in '{scenario.name}': there is no band around 0 times it")
    values = [_scaled(key, shipped, f) for f in np.linspace(0.5, 1.5, points)]
    return list(dict.fromkeys(values))  # an integer key may repeat


def band(scenario: Scenario, points: int, replicates: int, *, engine: str = "serial",
         workers: int | None = None, scheduler: str | None = None) -> list[tuple[float | int, list[Verdict]]]:
    """Judge every claim at each of ``points`` values of the key parameter (fresh seeds)."""
    values = band_values(scenario, points)  # refuses a scenario without a key
    key = claims_of(scenario).key
    assert key is not None
    judged = _judged(scenario, {v: (scenario.with_changes(overrides={key: v}), None) for v in values},
                     replicates, engine=engine, workers=workers, scheduler=scheduler)
    return [(value, judged[value]) for value in values]
