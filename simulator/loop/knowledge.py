"""Knowledge: what the loop remembers and believes, shared by all stages.

Knowledge is where the loops meet: the fast loop leaves its latest
assessment here, and each self-* loop reads what it watches from here and
writes its decisions back here. Four things live here:

* the current **settings** of the loop (gains, lever mix, structure,
  capacity), which the slow self-* loops revise;
* the fast loop's latest **assessment** of the districts, and the orders the
  self-* loops leave for its Plan (mobilisation per district from
  self-protecting; the districts to repair locally from self-healing);
* a short **history** of system-level figures (estimated tension, observed
  expression, faults, crises, costs), which they read to judge performance;
* a **learned response model**: an online least-squares estimate, with
  forgetting, of how a unit of each lever delivered to a district goes
  with the change in the loop's objective there as the loop next sees it
  (through the monitor's delay). It is fitted on district aggregates only.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from ..config import Config
from .contracts import Assessment

__all__ = ["Settings", "Knowledge"]


@dataclass(frozen=True)
class Settings:
    """The loop's adjustable configuration (revised by self-optimizing and self-configuring)."""

    gain: float
    soft_share: float
    incentive_share: float
    centralisation: float
    sharing: float
    granularity: int
    capacity: float

    @classmethod
    def from_config(cls, config: Config) -> Settings:
        return cls(
            gain=config.plan.gain,
            soft_share=config.plan.soft_share,
            incentive_share=config.plan.incentive_share,
            centralisation=config.structure.centralisation,
            sharing=config.structure.sharing,
            granularity=config.structure.granularity,
            capacity=config.plan.capacity,
        )


@dataclass(frozen=True)
class Record:
    """One step of system-level history."""

    tension: float
    observed_participation: float
    error: float
    fault_share: float
    crisis: bool
    cost: float


class Knowledge:
    """Settings, history and the learned lever-response model."""

    def __init__(self, config: Config):
        self.settings = Settings.from_config(config)
        self.history: deque[Record] = deque(maxlen=config.knowledge.memory)
        self.forgetting = config.knowledge.forgetting
        # normal equations of  delta_objective ~ b0 + b_acc * acc + b_con * con
        self._xtx = np.eye(3) * 1e-3
        self._xty = np.zeros(3)
        self._last_objective: np.ndarray | None = None
        self._assessment: Assessment | None = None
        #: mobilisation per district that self-protecting ordered this step (None: none)
        self.mobilisation: np.ndarray | None = None
        #: per district, whether self-healing ordered a local repair (None: no such loop)
        self.repair: np.ndarray | None = None

    @property
    def assessment(self) -> Assessment:
        """The fast loop's latest assessment of the districts."""
        assert self._assessment is not None, "the fast loop has not assessed anything yet"
        return self._assessment

    @assessment.setter
    def assessment(self, value: Assessment) -> None:
        self._assessment = value

    def update_settings(self, **changes) -> None:
        self.settings = replace(self.settings, **changes)

    def remember(self, record: Record) -> None:
        self.history.append(record)

    def learn(self, objective: np.ndarray, accommodate: np.ndarray, constrain: np.ndarray) -> None:
        """Fit the per-district change of ``objective`` to the levers just applied."""
        if self._last_objective is not None:
            change = objective - self._last_objective
            x = np.column_stack((np.ones_like(change), accommodate, constrain))
            self._xtx = self.forgetting * self._xtx + x.T @ x
            self._xty = self.forgetting * self._xty + x.T @ change
        self._last_objective = objective.copy()

    def lever_effects(self) -> tuple[float, float]:
        """Estimated change of the objective per unit of (accommodate, constrain)."""
        beta = np.linalg.solve(self._xtx + np.eye(3) * 1e-6, self._xty)
        return float(beta[1]), float(beta[2])

    def recent(self, steps: int) -> list[Record]:
        return list(self.history)[-steps:]
