"""The fast governance loop: the society's MAPE-K loop, every step, district by district.

* **Monitor** (:class:`~simulator.loop.monitor.Monitor`) senses the society's
  district aggregates: partly, noisily and late.
* **Analyze** (:class:`~simulator.loop.analyze.Analyzer`) estimates tension,
  projects its trend and flags faults and crisis; the assessment goes into
  Knowledge, where the self-* loops read it.
* **Plan** (:class:`~simulator.loop.plan.Planner`, or a person playing it)
  shares the budget that capacity leaves after monitoring and oversight
  across districts and levers, with the settings, mobilisation and repair
  that the self-* loops left in Knowledge.
* **Execute** (:class:`~simulator.loop.execute.Executor`) queues the plan: a
  local decision takes effect after the execution delay (and its unit's
  share of the centre's), a central one after the centre's delay; what is
  due is delivered at the start of a later step, through the agencies.

The self-* loops run inside this loop's turn: after it has analysed and
before it plans (:meth:`GovernanceLoop.sense`, then the self-* loops, then
:meth:`GovernanceLoop.act`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from ..config import Config
from .analyze import Analyzer
from .capacity import lever_budget, overheads
from .contracts import Assessment, Delivery, DistrictState, Observation, Plan
from .execute import Executor, decision_delays
from .knowledge import Knowledge, Settings
from .mapek import MapeLoop, Turn
from .monitor import Monitor
from .plan import Planner

__all__ = ["GovernanceLoop", "PlanStage"]


class PlanStage(Protocol):
    """What can stand in the Plan stage: the built-in policies, or a person."""

    def plan(self, assessment: Assessment, settings: Settings, budget: float,
             mobilise: np.ndarray, repair: np.ndarray | None) -> Plan: ...


class GovernanceLoop(MapeLoop):
    """Monitor, Analyze, Plan and Execute for the society, every step."""

    name = "governance"
    scope = "district"

    def __init__(self, config: Config, sensor: Callable[[], DistrictState], window_cells: int,
                 units_of: Callable[[int], np.ndarray], districts_per_side: int,
                 rng: np.random.Generator, planner: PlanStage | None = None):
        super().__init__(True)
        self.config = config
        self._sensor = sensor  # the society's district aggregates: the only thing Monitor reads
        self.k = districts_per_side
        self.districts = districts_per_side ** 2
        self.sensing = Monitor(config, window_cells, rng)
        self.analyzer = Analyzer(config, self.districts)
        self.planner: PlanStage = planner if planner is not None else Planner(config, units_of)
        self.executor = Executor(config, self.districts)
        self.observation: Observation | None = None
        self.assessment: Assessment | None = None
        self.plan_made: Plan = Plan.zeros(0, self.districts)

    # -- the four stages ---------------------------------------------------------------
    def monitor(self, step: int, knowledge: Knowledge) -> Observation:
        self.observation = self.sensing.observe(self._sensor(), step)
        return self.observation

    def analyze(self, observation: Observation) -> Assessment:
        self.assessment = self.analyzer.assess(observation, self.config.analyze.setpoint)
        return self.assessment

    def plan(self, assessment: Assessment, knowledge: Knowledge) -> Plan:
        settings = knowledge.settings
        mobilise = knowledge.mobilisation
        if mobilise is None:
            mobilise = np.zeros(self.districts)
        budget = lever_budget(settings.capacity, self.overheads(settings), self.districts)
        self.plan_made = self.planner.plan(assessment, settings, budget, mobilise, knowledge.repair)
        return self.plan_made

    def execute(self, step: int, plan: Plan, knowledge: Knowledge) -> None:
        c = self.config
        local, central = decision_delays(c.execute.delay, c.structure.central_delay,
                                         knowledge.settings.granularity, self.k)
        self.executor.submit(plan, due=step + local, central_due=step + central)

    # -- the two halves of a turn, with the self-* loops between them ------------------------
    def sense(self, step: int, knowledge: Knowledge) -> Assessment:
        """Monitor and Analyze; the assessment is left in Knowledge."""
        assessment = self.analyze(self.monitor(step, knowledge))
        knowledge.assessment = assessment
        return assessment

    def act(self, step: int, knowledge: Knowledge) -> None:
        """Plan and Execute, with what the self-* loops left in Knowledge."""
        assessment = knowledge.assessment
        plan = self.plan(assessment, knowledge)
        self.execute(step, plan, knowledge)
        self.last = Turn(step, self.observation, assessment, plan)

    def turn(self, step: int, knowledge: Knowledge) -> bool:
        self.sense(step, knowledge)
        self.act(step, knowledge)
        return True

    def deliver(self, step: int, alignment: np.ndarray, sharing: float) -> Delivery:
        """What reaches each district at the start of ``step`` (decided earlier)."""
        return self.executor.deliver(step, alignment, sharing)

    def eyes(self) -> np.ndarray:
        """Visible monitoring per district (it deters, the chilling effect)."""
        return self.sensing.eyes(self.districts)

    def overheads(self, settings: Settings) -> float:
        """Capacity monitoring and oversight take this step (whole system)."""
        c = self.config
        return overheads(c.monitor.cost, c.monitor.coverage, c.apparatus.oversight_cost,
                         settings.centralisation, self.districts)
