"""The predictive policy: model-predictive control of each district's tension.

Every step, for every district at once, it

1. **learns**: adds the newest step's evidence to its internal model
   (:class:`~simulator.loop.foresight.Foresight`): the tension it now sees
   and the two steps before, and the response that was in force in the
   district at that step, which it knows from its own past decisions and its
   own delays (it never reads the society; with ``plan.knows_delays`` off it
   takes every decision to act at once, and pairs what it sees with the
   wrong decisions);
2. **forecasts** each district's tension from the latest it sees, through
   the decisions already on their way (the *pipeline*: what it ordered in
   the last ``monitor.delay`` plus decision-delay steps has not shown yet in
   what it sees), and then ``plan.horizon`` steps further with a candidate
   response held constant;
3. **chooses** the response that keeps the forecast closest to the set-point
   for the least cost (``plan.response_cost``), in closed form;

and the next step it starts again from what it sees then (a receding horizon).

Until its model is confident that responding lowers tension (the estimated
effect below zero by two standard errors), it answers as the pid policy
does. We chose the pid rule over a stated prior for the effect: a prior
would be a number in the units of a society the loop has not seen, while the
pid rule needs no model, is what the reactive loop would do anyway, and its
first swings are the very evidence the model learns from.

What it reads: the Assessment's tension per district, the loop's own
settings and delays, and the plans it made. What it keeps: one district
array per past decision still in its pipeline, the model's normal
equations, and :attr:`Predictive.forecast` (system means) for display.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from math import isqrt

import numpy as np

from ..config import Config
from .contracts import Assessment, Plan
from .execute import decision_delays
from .foresight import Foresight, best_response, forecast
from .knowledge import Settings

__all__ = ["Predictive", "Forecast"]


@dataclass(frozen=True)
class Forecast:
    """What the predictive policy acted on at its last decision, as means over the districts.

    ``without`` is the forecast tension at each coming step with only the
    decisions already on their way, ``planned`` with the response chosen now
    held over the horizon as well; entry ``k`` is ``k + 1`` steps after
    ``step``, the step the latest assessment describes. ``confident`` says
    whether the choice was the model's (False: the pid rule's, and the
    forecast is only what the model would say).
    """

    step: int
    setpoint: float
    without: tuple[float, ...]
    planned: tuple[float, ...]
    confident: bool


class Predictive:
    """Learn the model of tension from the loop's own view and decisions; choose each step's response."""

    def __init__(self, config: Config, districts: int):
        self.config = config
        self.model = Foresight(config.knowledge.forgetting)
        self._k = isqrt(districts)  # districts per side, for the decision delays
        self._monitor = config.monitor.delay
        longest = decision_delays(config.execute.delay, config.structure.central_delay,
                                  self._k, self._k)[1]
        # each decision as (the part decided locally, the part decided by the centre), newest last
        self._decisions: deque[tuple[np.ndarray, np.ndarray]] = deque(maxlen=self._monitor + longest + 1)
        self._calls = self._made = 0  # steps planned, and decisions remembered
        self._seen = -1  # the step of the latest assessment learned from
        self._previous: np.ndarray | None = None  # tension the step before the latest seen
        self._earlier: np.ndarray | None = None  # and the step before that
        #: what the last decision acted on (None before the first)
        self.forecast: Forecast | None = None

    def _delays(self, s: Settings) -> tuple[int, int]:
        """Steps from a decision to the step whose tension the loop first sees it in, per channel
        (1 and 1 when it does not know its delays: as if a decision acted at once)."""
        c = self.config
        if not c.plan.knows_delays:
            return 1, 1
        local, central = decision_delays(c.execute.delay, c.structure.central_delay, s.granularity, self._k)
        return self._monitor + local, self._monitor + central

    def _ordered(self, back: int, central: bool) -> np.ndarray | float:
        """One channel of the decision made ``back`` steps before the latest assessment came
        (0 before the first decision)."""
        back += self._made - self._calls + 1  # 1 once this step's decision is in too
        if back > len(self._decisions):
            return 0.0
        return self._decisions[-back][1 if central else 0]

    def _in_force(self, ahead: int, local: int, central: int) -> np.ndarray | float:
        parts = [self._ordered(delay - ahead, centrally) for delay, centrally in ((local, False), (central, True))
                 if delay - ahead >= 1]
        return sum(parts, 0.0)

    def in_force(self, ahead: int, s: Settings) -> np.ndarray | float:
        """The response the loop knows to be in force in each district ``ahead`` steps after
        the latest step it sees (0: that step), from the decisions it has made: what it will
        order later is not counted."""
        return self._in_force(ahead, *self._delays(s))

    def respond(self, a: Assessment, s: Settings) -> np.ndarray | None:
        """The response per district, or None while the model is not confident (use the pid rule)."""
        self._calls += 1
        local, central = self._delays(s)
        tension = np.asarray(a.tension, dtype=float)
        if a.step > self._seen:
            if self._earlier is not None and self._previous is not None:
                # the loop sees a new step: learn from it, with the response in force then
                self.model.learn(self._earlier, self._previous, tension,
                                 self._in_force(0, local, central) + np.zeros_like(tension))
            self._seen, self._earlier, self._previous = a.step, self._previous, tension.copy()
        p = self.config.plan
        first = min(local, central)
        steps = first + p.horizon - 1  # the pipeline, then the horizon
        ahead = np.arange(1, steps + 1)
        c = s.centralisation
        share = (1.0 - c) * (ahead >= local) + c * (ahead >= central)
        known = np.empty((steps, tension.size))
        for k in range(steps):  # over the pipeline's steps, every district at once
            known[k] = self._in_force(k + 1, local, central)
        coefficients = self.model.coefficients()
        base, gain = forecast(coefficients, tension, known, share)
        confident = self.model.confident(coefficients)  # one solve of the equations, not three
        setpoint = self.config.analyze.setpoint
        response = best_response(base, gain, share, setpoint, p.response_cost,
                                 self.config.execute.max_intensity)
        self.forecast = Forecast(
            step=a.step, setpoint=setpoint,
            without=tuple(base.mean(axis=1).tolist()),
            planned=tuple((base + np.outer(gain, response)).mean(axis=1).tolist()),
            confident=confident)
        return response if confident else None

    def decided(self, plan: Plan) -> None:
        """Remember what the loop ordered this step, by channel (it shows after the channel's delay)."""
        local = np.zeros_like(plan.accommodate)
        central = np.zeros_like(plan.accommodate)
        for lever in ("accommodate", "constrain"):
            amount, share = getattr(plan, lever), plan.central_share(lever)
            local += amount * (1.0 - share)
            central += amount * share
        self._decisions.append((local, central))
        self._made += 1
