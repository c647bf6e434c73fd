"""GovernanceModel: the society and its loops, stepped in a written order.

::

            +-------------------- Knowledge --------------------+
            |  settings . assessment . history . lever effects   |
            +---^-----------^------------^-------------^---------+
                |           |            |             |
     society -> Monitor -> Analyze ----> Plan -----> Execute -> society
     (agents)   sensory    tension,  ^   levers x    delay, loss,
                channel    faults,   |   districts   agencies' alignment
                           crisis    |   (policy)    (motor channel)
                                     |
              the self-* loops, each a MAPE-K loop over Knowledge:
              healing (district, every step), protecting (on crisis),
              optimizing (every optimizing.period), configuring (every
              configuring.period)

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
4. **Analyze** filters and projects tension, flags faults and crisis, and
   leaves its assessment in Knowledge.
5. **Knowledge** records the step and updates its learned lever effects.
6. **Drift**: if the scenario's doctrine drifts, Knowledge's lever mix
   is set to the drift's value at ``t`` (``loop/drift.py``).
   **The self-* loops** take their turns, in this order: self-healing,
   self-protecting (mobilisation in a crisis), self-optimizing and
   self-configuring (on their periods). Each leaves its decision in
   Knowledge.
7. **Plan** allocates the capacity budget with what the self-* loops left,
   and Execute queues the plan.
8. **Apparatus**: each agency's alignment drifts with the coercive capacity
   it held and is restored by oversight.
9. **Recorder** collects the system-level series from the step's report.

All randomness comes from ``self.rng``, the one generator Mesa seeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from .config import Config
from .loop.apparatus import Apparatus
from .loop.capacity import spent
from .loop.contracts import Delivery
from .loop.drift import drifting, lever_mix
from .loop.governance import GovernanceLoop, PlanStage
from .loop.knowledge import Knowledge, Record
from .loop.mapek import MapeLoop
from .loop.selfstar.configuring import SelfConfiguring
from .loop.selfstar.healing import SelfHealing
from .loop.selfstar.optimizing import SelfOptimizing
from .loop.selfstar.protecting import SelfProtecting
from .recorder import Recorder
from .report import Report
from .scenario import Scenario, load_scenario, resolve
from .society.agents import Society
from .society.grid import Grid

__all__ = ["GovernanceModel", "ScenarioModel"]


def _mean(x: np.ndarray) -> float:
    """``float(x.mean())``, the same number, without ``np.mean``'s overhead
    (about 3 microseconds, a dozen times a step, on 16 districts)."""
    return float(x.sum() / x.size)


class GovernanceModel(mesa.Model):
    """A synthetic society governed by a MAPE-K loop with four self-* loops.

    Parameters
    ----------
    config : Config
        A validated configuration (:func:`simulator.load_scenario` gives one
        with a scenario; :meth:`from_scenario` does both).
    steps : int, optional
        Number of steps after which ``running`` turns False (default: no limit).
    seed, rng :
        Mesa's convention: the one source of randomness of the run.
    planner : optional
        A stand-in for the Plan stage with the same ``plan(...)`` as
        :class:`~simulator.loop.plan.Planner` (a student playing it).
    """

    def __init__(self, config: Config, *, steps: int | None = None, seed: int | None = None,
                 rng: Any = None, planner: PlanStage | None = None) -> None:
        if not isinstance(config, Config):
            raise TypeError(f"config must be a Config, not {type(config).__name__}; "
                            "for a scenario, use GovernanceModel.from_scenario")
        super().__init__(seed=seed, rng=rng)
        self.config = config
        self.max_steps = steps
        s = config.society
        self.grid = Grid(agents=s.agents, density=s.density,
                         districts_per_side=s.districts_per_side,
                         agencies=config.apparatus.agencies)
        D = self.grid.districts
        self.society = Society(config, self.grid, self.rng)
        self.knowledge = Knowledge(config)
        self.loop = GovernanceLoop(config, lambda: self.society.state,
                                   self.grid.window_cells(s.vision, s.neighbourhood),
                                   self.grid.units, self.grid.k, self.rng, planner)
        self.apparatus = Apparatus(self, config, self.grid.agency_of_district)
        self.healing = SelfHealing(config)
        self.protecting = SelfProtecting(config, D)
        self.optimizing = SelfOptimizing(config)
        self.configuring = SelfConfiguring(config, self.grid.k)
        #: the self-* loops, in the order they take their turns
        self.selfstar: tuple[MapeLoop, ...] = (self.healing, self.protecting, self.optimizing,
                                               self.configuring)
        # the lever effects and the history have one reader each: self-optimizing,
        # and self-optimizing or self-configuring
        self._learning = config.optimizing.enabled
        self._remembering = config.optimizing.enabled or config.configuring.enabled
        d = config.drift
        self._drift = ((config.plan.soft_share, d.to, d.per_step, d.start)
                       if drifting(d.per_step, config.plan.soft_share, d.to) else None)

        self.delivery = Delivery.zeros(D)
        self.loop.sense(0, self.knowledge)
        self._previous_faults = self.knowledge.assessment.faults
        self.cost = 0.0
        self.recorder = Recorder()
        self.datacollector = self.recorder  # the name mesa.batch_run looks for
        self.recorder.collect(self)
        self.running = steps is None or steps > 0

    @classmethod
    def from_scenario(cls, scenario: str | Path | Scenario = "baseline", *,
                      overrides: Mapping[str, Any] | None = None, steps: int | None = None,
                      seed: int | None = None, rng: Any = None,
                      planner: PlanStage | None = None) -> GovernanceModel:
        """A model of a scenario (a name, a TOML path or a loaded one).

        ``steps`` defaults to the scenario's; with neither ``seed`` nor
        ``rng``, the scenario's own seed is used, so that a scenario always
        runs the same unless told otherwise.
        """
        config, steps, seed = resolve(scenario, overrides, steps, seed, rng)
        return cls(config, steps=steps, seed=seed, rng=rng, planner=planner)

    # -- one step of the loop ---------------------------------------------------
    def step(self) -> None:
        """Advance society and loops by one step (order in the module docstring)."""
        t = self.steps
        knowledge = self.knowledge
        settings = knowledge.settings

        # 1-2. Execute delivers; the society responds
        self.delivery = self.loop.deliver(t, self.apparatus.alignment_by_district(), settings.sharing)
        self.society.step(t, self.delivery, self.loop.eyes())

        # 3-4. Monitor and Analyze
        self._previous_faults = knowledge.assessment.faults
        a = self.loop.sense(t, knowledge)

        # 5. Knowledge
        d = self.delivery
        levers = d.accommodate.sum() + d.constrain.sum() + d.incentivise.sum() + d.mobilise.sum()
        self.cost = spent(levers, self.loop.overheads(settings), self.grid.districts)
        # only the slow loops read what is learned and remembered: with them off,
        # skip the work (about 45 microseconds a step; no random draws in it)
        if self._learning:
            # the levers that reached the districts this step, not the plan still on its way
            knowledge.learn(self.optimizing.objective(a), d.accommodate, d.constrain)
        if self._remembering:
            obs = self.loop.observation
            assert obs is not None  # sense() just made it
            knowledge.remember(Record(
                tension=a.system_tension,
                observed_participation=_mean(obs.participation),
                error=_mean(a.error),
                fault_share=_mean(a.faults),
                crisis=a.crisis,
                cost=self.cost,
            ))

        # 6. the doctrine drifts (outside the loop); the self-* loops, each a MAPE-K loop over Knowledge
        if self._drift is not None:
            initial, to, per_step, start = self._drift
            knowledge.update_settings(soft_share=lever_mix(t, initial, to, per_step, start))
        for loop in self.selfstar:
            loop.turn(t, knowledge)

        # 7. Plan, then queue for Execute
        self.loop.act(t, knowledge)

        # 8. the apparatus drifts and is overseen
        self.apparatus.step(self.delivery, knowledge.settings.centralisation)

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

    # -- what the outside sees ------------------------------------------------------
    def report(self) -> Report:
        """This step, as the recorder, dashboard, narrator and command line see it."""
        loop = self.loop
        assert loop.observation is not None and loop.assessment is not None  # sensed at start
        return Report(
            step=self.steps, config=self.config, districts_per_side=self.grid.k,
            agents=self.society.n, truth=self.society.state, observation=loop.observation,
            assessment=loop.assessment, plan=loop.plan_made, delivery=self.delivery,
            settings=self.knowledge.settings, cost=self.cost,
            alignment=self.apparatus.mean_alignment(),
            reserve=self.protecting.reserve / self.grid.districts, fatigue=self.protecting.fatigue,
            shock=bool(self.society.shock_now),
            repairs=int(np.count_nonzero(self._previous_faults & ~loop.assessment.faults)),
            selfstar=self.selfstar,
        )

    def series(self):
        """The recorded series as a pandas DataFrame (one row per step)."""
        return self.recorder.to_frame()


class ScenarioModel(GovernanceModel):
    """A model of a scenario, built from keywords only.

    The form ``mesa.batch_run`` and Mesa's SolaraViz call: every parameter
    is a keyword (``scenario``, ``overrides``, ``steps``, ``seed``), and a
    list of values under one keyword is what ``batch_run`` varies.
    """

    def __init__(self, *, scenario: str | Path | Scenario = "baseline",
                 overrides: Mapping[str, Any] | None = None, steps: int | None = None,
                 seed: int | None = None, rng: Any = None) -> None:
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        config, steps, seed = resolve(self.scenario, overrides, steps, seed, rng)
        super().__init__(config, steps=steps, seed=seed, rng=rng)
