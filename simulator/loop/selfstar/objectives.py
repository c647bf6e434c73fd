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

from ...config import Config
from ..contracts import Assessment
from ..knowledge import Knowledge

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
    """Slowest: restructure the loop itself, by trial and keeping what works.

    The structure is the pair (centralisation, size of the local management
    units). Every period the loop scores the period just ended (mean
    tension plus the share of districts in fault; lower is better). If the
    last change made things worse, it is undone, that direction is reversed
    and the old structure runs one more period to be scored afresh;
    otherwise the change is kept. Then the next change is tried,
    alternating between centralisation (by ``configuring.step``) and unit
    size (one size up or down). Information sharing grows while faults
    persist; capacity is built up after crises and released when quiet.
    """

    MOVES = ("centralisation", "granularity")

    def __init__(self, config: Config, districts_per_side: int):
        self.config = config
        self._sizes = [g for g in range(1, districts_per_side + 1) if districts_per_side % g == 0]
        self._direction = {"centralisation": 1, "granularity": 1}
        self._turn = 0
        self._kept: tuple[float, float, int] = (np.inf, 0.0, 1)  # score, centralisation, granularity
        self._trying = False  # whether the period that just ended ran a trial
        self._last_move = self.MOVES[0]
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
        centralisation, granularity = self._restructure(score, s.centralisation, s.granularity)
        # horizontal integration: share more information while faults persist
        sharing = s.sharing + (c.step if fault_share > 0.05 else -c.step / 4)
        # capacity: build up after crises, release slowly when quiet
        capacity = s.capacity * (1.0 + c.step if crisis_share > 0 else 1.0 - c.step / 4)
        capacity = float(np.clip(capacity, self._floor, max(self._floor, c.max_capacity)))
        knowledge.update_settings(
            centralisation=centralisation,
            sharing=float(np.clip(sharing, 0.0, 1.0)),
            granularity=granularity,
            capacity=capacity,
        )

    def _restructure(self, score: float, centralisation: float, granularity: int) -> tuple[float, int]:
        """Judge the trial that has just run, then try the next change.

        A trial that did worse than the kept structure is undone, and the
        kept structure runs one more period so that the next trial is
        compared with a fresh score, not a stale or lucky one.
        """
        if self._trying and score > self._kept[0]:
            # worse: go back, measure the kept structure again, next time the other way
            _, centralisation, granularity = self._kept
            self._direction[self._last_move] *= -1
            self._trying = False
            return centralisation, granularity
        self._kept = (score, centralisation, granularity)
        move = self.MOVES[self._turn % len(self.MOVES)]
        self._turn += 1
        self._last_move = move
        self._trying = True
        if move == "centralisation":
            return self._step_centralisation(centralisation), granularity
        return centralisation, self._step_granularity(granularity)

    def _step_centralisation(self, value: float) -> float:
        step = self.config.configuring.step * self._direction["centralisation"]
        if not 0.0 <= value + step <= 1.0:  # at a bound: turn round
            self._direction["centralisation"] *= -1
            step = -step
        return float(np.clip(value + step, 0.0, 1.0))

    def _step_granularity(self, value: int) -> int:
        sizes = self._sizes
        i = sizes.index(value) if value in sizes else 0
        j = i + self._direction["granularity"]
        if not 0 <= j < len(sizes):  # at a bound: turn round
            self._direction["granularity"] *= -1
            j = i + self._direction["granularity"]
        return sizes[min(max(j, 0), len(sizes) - 1)]
