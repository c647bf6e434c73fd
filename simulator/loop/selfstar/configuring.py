"""Self-configuring: restructure the loop itself, by trial and keeping what works.

Its own MAPE-K loop, the slowest, at the scope of the whole system, every
``configuring.period`` steps:

* **Monitor** reads the last period's history from Knowledge: mean estimated
  tension, the share of districts in fault, and how often a crisis was
  declared.
* **Analyze** scores the period (mean tension plus the fault share; lower is
  better) and judges the structure tried last: if it did worse than the
  structure kept before it, it failed.
* **Plan** undoes a failed trial (and turns that direction round, and runs
  the kept structure one more period to score it afresh), or keeps the
  trial and tries the next change, alternating between centralisation (by
  ``configuring.step``) and the size of the local management units (one size
  up or down). Information sharing grows while faults persist; capacity is
  built up after crises and released when quiet.
* **Execute** writes the new structure into Knowledge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...config import Config
from ..knowledge import Knowledge
from ..mapek import MapeLoop, Turn

__all__ = ["SelfConfiguring", "capacity_factor", "sharing_change"]


def capacity_factor(crisis, step: float):
    """Factor on capacity after a period: ``1 + step`` after a crisis, else ``1 - step/4``.

    ``crisis`` is a weight in [0, 1] (the agent model: whether the period had
    a crisis; the twin: the probability of one).
    """
    return crisis * (1.0 + step) + (1 - crisis) * (1.0 - step / 4)


def sharing_change(faulty, step: float):
    """Change of information sharing after a period: ``+step`` while faults
    persist, else ``-step/4``; ``faulty`` is a weight in [0, 1]."""
    return faulty * step - (1 - faulty) * (step / 4)


@dataclass(frozen=True)
class _Seen:
    tension: float
    fault_share: float
    crisis_share: float


@dataclass(frozen=True)
class _Judged:
    score: float
    failed: bool  # the trial that just ran did worse than the kept structure
    crises: bool
    faults_persist: bool


class SelfConfiguring(MapeLoop):
    """Slowest: restructure centralisation, unit size, sharing and capacity."""

    name = "self-configuring"
    scope = "system"
    MOVES = ("centralisation", "granularity")

    def __init__(self, config: Config, districts_per_side: int):
        super().__init__(config.configuring.enabled)
        self.config = config
        self._sizes = [g for g in range(1, districts_per_side + 1) if districts_per_side % g == 0]
        self._direction = {"centralisation": 1, "granularity": 1}
        self._turn = 0
        self._kept: tuple[float, float, int] = (np.inf, 0.0, 1)  # score, centralisation, granularity
        self._trying = False  # whether the period that just ended ran a trial
        self._last_move = self.MOVES[0]
        self._floor = config.plan.capacity

    @property
    def pace(self) -> str:
        return f"every {self.config.configuring.period} steps"

    def due(self, step: int) -> bool:
        return step % self.config.configuring.period == 0

    def monitor(self, step: int, knowledge: Knowledge) -> _Seen | None:
        recent = knowledge.recent(self.config.configuring.period)
        if len(recent) < 2:  # nothing to judge yet
            return None
        return _Seen(tension=float(np.mean([r.tension for r in recent])),
                     fault_share=float(np.mean([r.fault_share for r in recent])),
                     crisis_share=float(np.mean([r.crisis for r in recent])))

    def analyze(self, seen: _Seen | None) -> _Judged | None:
        if seen is None:
            return None
        score = seen.tension + seen.fault_share
        return _Judged(score=score, failed=self._trying and score > self._kept[0],
                       crises=seen.crisis_share > 0,
                       faults_persist=seen.fault_share > self.config.configuring.fault_tolerance)

    def plan(self, judged: _Judged | None, knowledge: Knowledge) -> dict[str, float] | None:
        if judged is None:
            return None
        c, s = self.config.configuring, knowledge.settings
        centralisation, granularity = self._restructure(judged, s.centralisation, s.granularity)
        # horizontal integration: share more information while faults persist
        sharing = s.sharing + sharing_change(1.0 if judged.faults_persist else 0.0, c.step)
        # capacity: build up after crises, release slowly when quiet
        capacity = s.capacity * capacity_factor(1.0 if judged.crises else 0.0, c.step)
        capacity = float(np.clip(capacity, self._floor, max(self._floor, c.max_capacity)))
        return {"centralisation": centralisation, "sharing": float(np.clip(sharing, 0.0, 1.0)),
                "granularity": granularity, "capacity": capacity}

    def execute(self, step: int, settings: dict[str, float] | None, knowledge: Knowledge) -> None:
        if settings is not None:
            knowledge.update_settings(**settings)

    def _restructure(self, judged: _Judged, centralisation: float, granularity: int) -> tuple[float, int]:
        """Undo a failed trial, or keep it and try the next change.

        A trial that did worse than the kept structure is undone, and the
        kept structure runs one more period so that the next trial is
        compared with a fresh score, not a stale or lucky one.
        """
        if judged.failed:
            # worse: go back, measure the kept structure again, next time the other way
            _, centralisation, granularity = self._kept
            self._direction[self._last_move] *= -1
            self._trying = False
            return centralisation, granularity
        self._kept = (judged.score, centralisation, granularity)
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

    def explain(self, turn: Turn) -> tuple[str, str, str]:
        seen: _Seen | None = turn.saw
        judged: _Judged | None = turn.concluded
        if seen is None or judged is None:
            return "Too little history to judge.", "Wait.", "Changed nothing."
        saw = (f"Over the period: mean tension {seen.tension:.3f}, {100 * seen.fault_share:.0f} % of "
               f"districts in fault, a crisis in {100 * seen.crisis_share:.0f} % of steps.")
        concluded = ("The last change made things worse: undo it." if judged.failed
                     else "Keep the structure and try the next change.")
        d = turn.did
        did = (f"Centralisation {d['centralisation']:.2f}, units of {d['granularity']} district(s) "
               f"per side, sharing {d['sharing']:.2f}, capacity {d['capacity']:.2f} per district.")
        return saw, concluded, did
