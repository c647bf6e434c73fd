"""The four self-* objectives: four loops on four time scales.

IBM's autonomic-computing objectives, read through Hoffman's *Programming
China* (Table 3), each realised as a small loop over the shared Knowledge:

=================  ======================  =========================================
objective          pace                    what it does here
=================  ======================  =========================================
self-healing       every step, per         each district's fault is repaired where
                   district                it arises (source governance)
self-protecting    when a crisis is        releases the mobilisation reserve, which
                   declared                tires with use and rebuilds when quiet
self-optimizing    every optimizing.period retunes gain, lever mix and incentives
                                           from the learned lever effects
self-configuring   every configuring.      restructures: centralisation, sharing,
                   period (slowest)        unit granularity, capacity
=================  ======================  =========================================

Each can be switched off in a scenario (``healing.enabled`` and so on), so a
class can compare the loop with and without it.
"""

from __future__ import annotations

import numpy as np

from .config import Config
from .contracts import Assessment
from .knowledge import Knowledge

__all__ = ["self_healing", "SelfProtecting", "SelfOptimizing", "SelfConfiguring"]


def self_healing(enabled: bool, accommodate: np.ndarray, constrain: np.ndarray):
    """Fast, local: keep the per-district response, or flatten it to the average.

    With self-healing on, each district gets the response its own fault calls
    for. Off, the loop has no local repair: it answers the system average
    with the same response everywhere.
    """
    if enabled:
        return accommodate, constrain
    return np.full_like(accommodate, accommodate.mean()), np.full_like(constrain, constrain.mean())


class SelfProtecting:
    """Threshold-triggered: a crisis releases the mobilisation reserve."""

    def __init__(self, config: Config, districts: int):
        p = config.protecting
        self.enabled = p.enabled
        self.config = config
        self.capacity = p.reserve * districts
        self.reserve = self.capacity if p.enabled else 0.0
        self.fatigue = 0.0

    def respond(self, assessment: Assessment) -> np.ndarray:
        """Mobilisation per district for this step."""
        districts = assessment.tension.size
        if not self.enabled:
            return np.zeros(districts)
        p = self.config.protecting
        if not assessment.crisis:
            self.reserve += p.recovery * (self.capacity - self.reserve)
            self.fatigue *= 1.0 - p.recovery
            return np.zeros(districts)
        released = p.release * self.reserve
        self.reserve -= released
        self.fatigue = min(1.0, self.fatigue + p.fatigue)
        weight = np.maximum(assessment.error, 0.0) * assessment.faults
        if weight.sum() <= 0:
            weight = np.ones(districts)
        return released * (1.0 - self.fatigue) * weight / weight.sum()


class SelfOptimizing:
    """Slow: retune the fast loops' gain, the lever mix and incentives."""

    def __init__(self, config: Config):
        self.config = config

    def objective(self, assessment: Assessment) -> np.ndarray:
        """What this loop tries to lower, per district (Goodhart's choice)."""
        if self.config.optimizing.objective == "observed":
            return assessment.expression
        return assessment.tension

    def adjust(self, step: int, knowledge: Knowledge) -> None:
        o = self.config.optimizing
        if not o.enabled or step % o.period:
            return
        recent = knowledge.recent(o.period)
        if len(recent) < 2:
            return
        s = knowledge.settings
        errors = np.array([r.error for r in recent])
        flips = np.count_nonzero(np.diff(np.sign(errors)))
        gain = s.gain
        if flips > len(errors) // 4:  # hunting around the set-point: calm down
            gain *= 1.0 - o.step
        elif errors.mean() > 0:  # persistently above the set-point: push harder
            gain *= 1.0 + o.step
        effect_soft, effect_hard = knowledge.lever_effects()
        # give more of the mix to the lever that lowered the objective more
        soft = s.soft_share + o.step * np.sign(effect_hard - effect_soft)
        # participation is sensing: buy it while the loop cannot see need
        seen = np.mean([r.observed_participation for r in recent])
        incentive = s.incentive_share + (o.step if seen < o.participation_target else -o.step / 2)
        knowledge.update_settings(
            gain=float(np.clip(gain, 0.0, 50.0)),
            soft_share=float(np.clip(soft, 0.0, 1.0)),
            incentive_share=float(np.clip(incentive, 0.0, 0.5)),
        )


class SelfConfiguring:
    """Slowest: restructure the loop itself."""

    def __init__(self, config: Config, districts_per_side: int):
        self.config = config
        self._divisors = [g for g in range(1, districts_per_side + 1) if districts_per_side % g == 0]
        self._direction = 1.0
        self._last_score: float | None = None
        self._floor = config.plan.capacity

    def adjust(self, step: int, knowledge: Knowledge) -> None:
        c = self.config.configuring
        if not c.enabled or step % c.period:
            return
        recent = knowledge.recent(c.period)
        if len(recent) < 2:
            return
        s = knowledge.settings
        fault_share = float(np.mean([r.fault_share for r in recent]))
        crisis_share = float(np.mean([r.crisis for r in recent]))
        score = float(np.mean([r.tension for r in recent])) + fault_share
        # centralisation: hill-climb on performance, turning back when it worsens
        if self._last_score is not None and score > self._last_score:
            self._direction = -self._direction
        self._last_score = score
        centralisation = float(np.clip(s.centralisation + self._direction * c.step, 0.0, 1.0))
        # horizontal integration: share more information while faults persist
        sharing = s.sharing + (c.step if fault_share > 0.05 else -c.step / 4)
        # granularity: pool districts into larger units when faults cluster
        g = self._divisors.index(s.granularity) if s.granularity in self._divisors else 0
        if fault_share > self.config.analyze.crisis_share / 2:
            g = min(g + 1, len(self._divisors) - 1)
        elif fault_share < 0.02:
            g = max(g - 1, 0)
        # capacity: build up after crises, release slowly when quiet
        capacity = s.capacity * (1.0 + c.step if crisis_share > 0 else 1.0 - c.step / 4)
        capacity = float(np.clip(capacity, self._floor, max(self._floor, c.max_capacity)))
        knowledge.update_settings(
            centralisation=centralisation,
            sharing=float(np.clip(sharing, 0.0, 1.0)),
            granularity=self._divisors[g],
            capacity=capacity,
        )
