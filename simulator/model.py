"""GovernanceModel: the society and the MAPE-K loop, stepped in a fixed order.

::

            +-------------------- Knowledge --------------------+
            |  settings . history . learned lever effects        |
            +---^-----------^------------^-------------^---------+
                |           |            |             |
     society -> Monitor -> Analyze ----> Plan -----> Execute -> society
     (agents)   sensory    tension,      levers x    delay, loss,
                channel    faults,       districts   agencies' alignment
                           crisis        (policy)    (motor channel)

    self-healing: per district, every step     (inside Plan)
    self-protecting: when a crisis is declared (mobilisation reserve)
    self-optimizing: every optimizing.period   (gain, mix, incentives)
    self-configuring: every configuring.period (structure, capacity)

Step order (one call to :meth:`GovernanceModel.step`, at step ``t``):

1. **Execute delivers** the plans that have become due (decided at least
   ``1 + execute.delay`` steps earlier; the centre's share waits
   ``structure.central_delay`` more, a local unit's share more the larger
   the unit), through the agencies.
2. **Society** takes disturbances and shocks, feels the delivered levers,
   updates need, trust, grievance, expression (contagion, deterrence,
   random removal) and participation, then reports district aggregates.
3. **Monitor** senses those aggregates (coverage, noise) and returns what
   it sensed ``monitor.delay`` steps ago.
4. **Analyze** filters and projects tension, flags faults and crisis.
5. **Knowledge** records the step and updates its learned lever effects.
6. **Self-protecting** releases mobilisation if there is a crisis;
   **self-optimizing** and **self-configuring** adjust settings on their
   periods.
7. **Plan** allocates the capacity budget (self-healing decides whether per
   district) and Execute queues the plan.
8. **Apparatus**: each agency's alignment drifts with the coercive capacity
   it held and is restored by oversight.
9. **Recorder** collects the system-level series.

All randomness comes from ``self.rng``, the one generator Mesa seeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from .config import Config
from .loop.analyze import Analyzer
from .loop.apparatus import Apparatus
from .loop.capacity import lever_budget, overheads, spent
from .loop.contracts import Assessment, Delivery, Plan
from .loop.execute import Executor, decision_delays
from .loop.knowledge import Knowledge, Record
from .loop.monitor import Monitor
from .loop.plan import Planner
from .loop.selfstar.objectives import SelfConfiguring, SelfOptimizing, SelfProtecting
from .recorder import Recorder
from .scenario import Scenario, load_scenario
from .society.agents import Society
from .society.grid import Grid

__all__ = ["GovernanceModel"]


def _mean(x: np.ndarray) -> float:
    """``float(x.mean())``, the same number, without ``np.mean``'s overhead
    (about 3 microseconds, a dozen times a step, on 16 districts)."""
    return float(x.sum() / x.size)


class GovernanceModel(mesa.Model):
    """A synthetic society governed by a MAPE-K loop with four self-* objectives.

    Parameters
    ----------
    scenario : str, Path or Scenario, optional
        A scenario name (``"baseline"``), a TOML path, or a loaded scenario.
        Defaults to ``"baseline"`` when no ``config`` is given.
    config : Config, optional
        A validated configuration; used instead of the scenario's.
    overrides : mapping, optional
        ``{"plan.policy": "pid", ...}`` applied on top, with full validation.
        With ``mesa.batch_run``, pass a list of such mappings to vary them.
    steps : int, optional
        Number of steps after which ``running`` turns False (default: the
        scenario's ``steps``; unlimited with a bare ``config``).
    seed, rng :
        Mesa's convention. With neither, a scenario's own ``seed`` is used,
        so a scenario always runs the same unless told otherwise.
    """

    def __init__(
        self,
        *,
        scenario: str | Path | Scenario | None = None,
        config: Config | None = None,
        overrides: Mapping[str, Any] | None = None,
        steps: int | None = None,
        seed: int | None = None,
        rng: Any = None,
    ) -> None:
        loaded: Scenario | None = None
        if config is None:
            loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario or "baseline")
            config = loaded.config
            steps = loaded.steps if steps is None else steps
            if seed is None and rng is None:
                seed = loaded.seed
        if overrides:
            config = config.with_overrides(overrides)
        super().__init__(seed=seed, rng=rng)
        self.scenario = loaded
        self.config = config
        self.max_steps = steps
        s = config.society
        self.grid = Grid(agents=s.agents, density=s.density,
                         districts_per_side=s.districts_per_side,
                         agencies=config.apparatus.agencies)
        D = self.grid.districts
        self.society = Society(config, self.grid, self.rng)
        self.monitor = Monitor(config, self.grid.window_cells(s.vision, s.neighbourhood), self.rng)
        self.analyzer = Analyzer(config, D)
        self.knowledge = Knowledge(config)
        self.planner = Planner(config, self.grid.units)
        self.executor = Executor(config, D)
        self.apparatus = Apparatus(self, config, self.grid.agency_of_district)
        self.protecting = SelfProtecting(config, D)
        self.optimizing = SelfOptimizing(config)
        self.configuring = SelfConfiguring(config, self.grid.k)
        # the lever effects and the history have one reader each: self-optimizing,
        # and self-optimizing or self-configuring
        self._learning = config.optimizing.enabled
        self._remembering = config.optimizing.enabled or config.configuring.enabled

        self.delivery = Delivery.zeros(D)
        self.plan: Plan = Plan.zeros(0, D)
        self.observation = self.monitor.observe(self.society.state, 0)
        self.assessment: Assessment = self.analyzer.assess(self.observation, config.analyze.setpoint)
        self._previous_faults = self.assessment.faults
        self.cost = 0.0
        self.recorder = Recorder()
        self.datacollector = self.recorder  # the name mesa.batch_run looks for
        self.recorder.collect(self)
        self.running = steps is None or steps > 0

    # -- one step of the loop ---------------------------------------------------
    def step(self) -> None:
        """Advance society and loop by one step (order in the module docstring)."""
        t = self.steps
        cfg = self.config
        settings = self.knowledge.settings
        D = self.grid.districts

        # 1-2. Execute delivers; the society responds
        self.delivery = self.executor.deliver(t, self.apparatus.alignment_by_district(), settings.sharing)
        state = self.society.step(t, self.delivery, self.monitor.eyes(D))

        # 3-4. Monitor and Analyze
        self._previous_faults = self.assessment.faults
        self.observation = self.monitor.observe(state, t)
        self.assessment = self.analyzer.assess(self.observation, cfg.analyze.setpoint)
        a = self.assessment

        # 5. Knowledge
        self.cost = self._spent(settings)
        # only the slow loops read what is learned and remembered: with them off,
        # skip the work (about 45 microseconds a step; no random draws in it)
        if self._learning:
            # the levers that reached the districts this step, not the plan still on its way
            self.knowledge.learn(self.optimizing.objective(a), self.delivery.accommodate,
                                 self.delivery.constrain)
        if self._remembering:
            self.knowledge.remember(Record(
                tension=a.system_tension,
                observed_expression=_mean(a.expression),
                observed_participation=_mean(self.observation.participation),
                error=_mean(a.error),
                fault_share=_mean(a.faults),
                crisis=a.crisis,
                cost=self.cost,
            ))

        # 6. the slower self-* loops
        mobilise = self.protecting.respond(a)
        self.optimizing.adjust(t, self.knowledge)
        self.configuring.adjust(t, self.knowledge)
        settings = self.knowledge.settings

        # 7. Plan, then queue for Execute
        self.plan = self.planner.plan(a, settings, self._lever_budget(settings), mobilise)
        local, central = self._decision_delays(settings)
        self.executor.submit(self.plan, due=t + local, central_due=t + central)

        # 8. the apparatus drifts and is overseen
        self.apparatus.step(self.delivery, settings.centralisation)

        # 9. record
        self.recorder.collect(self)
        if self.max_steps is not None and self.steps >= self.max_steps:
            self.running = False

    def run(self, steps: int | None = None) -> GovernanceModel:
        """Step ``steps`` times (default: until ``running`` is False)."""
        if steps is None:
            if self.max_steps is None:
                raise ValueError("give steps: this model has no step limit")
            steps = self.max_steps - self.steps
        for _ in range(steps):
            self.step()
        return self

    def _decision_delays(self, settings) -> tuple[int, int]:
        cfg = self.config
        return decision_delays(cfg.execute.delay, cfg.structure.central_delay,
                               settings.granularity, self.grid.k)

    # -- capacity accounting ------------------------------------------------------
    def _overheads(self, settings) -> float:
        c = self.config
        return overheads(c.monitor.cost, c.monitor.coverage, c.apparatus.oversight_cost,
                         settings.centralisation, self.grid.districts)

    def _lever_budget(self, settings) -> float:
        return lever_budget(settings.capacity, self._overheads(settings), self.grid.districts)

    def _spent(self, settings) -> float:
        d = self.delivery
        levers = d.accommodate.sum() + d.constrain.sum() + d.incentivise.sum() + d.mobilise.sum()
        return spent(levers, self._overheads(settings), self.grid.districts)

    # -- what the recorder sees ---------------------------------------------------
    def aggregates(self) -> dict[str, float]:
        """System-level figures for this step (the recorder's only input)."""
        state, d, a = self.society.state, self.delivery, self.assessment
        weight = state.population / state.population.sum()

        def mean(x: np.ndarray) -> float:
            return float(np.dot(weight, x))

        s = self.knowledge.settings
        expression = mean(state.expression)
        observed = mean(self.observation.expression)
        latent = mean(state.latent)
        D = self.grid.districts
        return {
            "step": self.steps,
            "need": mean(state.need),
            "trust": mean(state.trust),
            "grievance": mean(state.grievance),
            "latent": latent,
            "expression": expression,
            "observed_expression": observed,
            "observability_gap": latent - observed,
            "participation": mean(state.participation),
            "removed": mean(state.removed),
            "tension": a.system_tension,
            "accommodate": _mean(d.accommodate),
            "constrain": _mean(d.constrain),
            "incentivise": _mean(d.incentivise),
            "mobilise": _mean(d.mobilise),
            "faults": int(np.count_nonzero(a.faults)),
            "repairs": int(np.count_nonzero(self._previous_faults & ~a.faults)),
            "crisis": int(a.crisis),
            "shock": int(self.society.shock_now),
            "alignment": self.apparatus.mean_alignment(),
            "reserve": self.protecting.reserve / D,
            "fatigue": self.protecting.fatigue,
            "gain": s.gain,
            "soft_share": s.soft_share,
            "incentive_share": s.incentive_share,
            "centralisation": s.centralisation,
            "sharing": s.sharing,
            "granularity": s.granularity,
            "capacity": s.capacity,
            "cost": self.cost,
            "collapsed": int(expression >= self.config.society.collapse_level),
        }

    def series(self):
        """The recorded series as a pandas DataFrame (one row per step)."""
        return self.recorder.to_frame()
