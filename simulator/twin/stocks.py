r"""The system-dynamics twin: the same governance loop as stocks and flows.

The agent model follows thousands of agents; the twin follows a handful of
aggregate *stocks* and the *flows* between them, as system dynamics does
(Forrester; Meadows, *Thinking in Systems*). It reads the same scenario files
and the same declared parameters (``parameters.py``); there is no second
parameter list. Time is measured in model steps.

::

    disturbances --> [pressure] --relief <-- accommodation ----------+
                         |                                           |
                         v                                           |
                      [need] --> grievance --> [expression] --+      |
                         ^         ^    \                     |      |
              unmet need |  [trust] <-- constraint, removal   |      |
                            ^                                 v      |
                            |     Monitor: [sensed]=>[sensed]=>... (delay)
                            |                                 |      |
                            |     Analyze: [tension estimate], faults, crisis
                            |                                 |      |
                            |     Plan: P + [integral], budget from [capacity],
                            |           [reserve]/[fatigue] when in crisis
                            |                                 |      |
                            +---- Execute: [queued]=>[queued]=>... (delay),
                                  loss, [alignment] of the agencies ---+

Every delay (Monitor's ``monitor.delay``; Execute's ``1 + execute.delay``
plus the centre's share of ``structure.central_delay``) is a chain of
``twin.stages`` first-order stages of equal length: an Erlang-distributed
delay, Forrester's DELAY3 for 3 stages, tending to the agent model's
fixed delay as the stages grow.

What the twin leaves out, on purpose: space (no districts, no contagion
in space, only the mean crowd), the slow *trial-and-error* parts of
self-configuring and self-optimizing (centralisation, unit size, gain and
lever mix stay at the scenario's values; capacity and information sharing
do grow and shrink as in the agent model), and self-healing (it decides
*where* the response goes, which a mean field cannot see). The spread of
tension across districts enters as a normal spread of the estimated
tension around its mean, which is what turns the Plan's ``max(0, ...)`` and
fault flags into smooth functions.

The twin calls the agents' own rules, never a copy: ``society/rules.py``
(through ``society.py`` and ``meanfield.py``), ``loop/execute.py``
(:func:`decision_delays`, :func:`delivered`), ``loop/capacity.py`` and
``loop/apparatus.py`` (:func:`alignment_change`). A yes/no of the agents (a
crisis, a district in fault) is a smooth step of declared width here
(``twin.crisis_width``, ``twin.fault_share_width``).

``twin.form = "delayed_feedback"`` selects the pure delayed negative-feedback
loop ``x' = -k x(delayed)`` instead (``delayed_feedback.py``).
"""

from __future__ import annotations

import math
from collections import namedtuple
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from ..loop import apparatus, capacity, execute
from ..loop.drift import drift_ends, lever_mix
from ..loop.selfstar import configuring, protecting
from ..society import rules
from ..society.grid import Grid
from .delays import Chain
from .expectations import logistic, ndtr
from .plan import planned
from .sensing import district_spread, sensed
from .society import MeanSociety

__all__ = ["GovernanceTwin"]

Core = namedtuple("Core", ["matched_pressure", "unmatched_pressure", "need", "trust", "trust_anchor",
                           "expression", "participation", "removed", "tension", "trend", "integral",
                           "reserve", "fatigue", "capacity", "sharing", "alignment"])
CORE: tuple[str, ...] = Core._fields
_NO_PLAN = np.zeros(4)
SENSED = ("expression", "need", "participation")
QUEUED = ("accommodate", "constrain", "incentivise", "mobilise")


def _numbers(values: Mapping[str, Any]) -> SimpleNamespace:
    """Parameters as attributes (``p.society_need_rate``), numbers as floats.

    The right-hand side is evaluated hundreds of times per solve; a dict
    lookup and a float() per parameter per call would be half its cost.
    """
    def plain(x):
        return x if isinstance(x, (bool, str)) else float(x)
    return SimpleNamespace(**{k.replace(".", "_"): plain(x) for k, x in values.items()})


class GovernanceTwin:
    """The mean-field governance loop.

    Parameters
    ----------
    values : mapping
        Flat parameter values (a :class:`~simulator.config.Config` or any
        mapping with every declared key). Delays may be non-integer here.
    """

    form = "loop"

    def __init__(self, values: Mapping[str, Any]):
        v = dict(values)
        self.values = v
        self.p = p = _numbers(v)
        grid = Grid(agents=int(p.society_agents), density=p.society_density,
                    districts_per_side=int(p.society_districts_per_side),
                    agencies=int(p.apparatus_agencies))
        self.districts = grid.districts
        self.society = MeanSociety(v, p, grid)
        self.district_size = p.society_agents / grid.districts
        alpha = p.analyze_smoothing
        self.smoothing_lag = (1.0 - alpha) / alpha
        self.filtered_var = alpha / (2.0 - alpha)  # variance an EMA lets through
        w = p.analyze_trend_smoothing  # the trend is an EMA too: the same lag
        self.trend_lag = (1.0 - w) / w if w > 0 else math.inf
        c = p.structure_centralisation
        local, central = execute.decision_delays(p.execute_delay, p.structure_central_delay,
                                         int(p.structure_granularity), grid.k)
        # the centre decides the share c of the response; a local unit the rest
        self.execute_delay = c * central + (1.0 - c) * local
        self.overhead = capacity.overheads(p.monitor_cost, p.monitor_coverage, p.apparatus_oversight_cost, c)
        stages = int(p.twin_stages)
        n = len(CORE)
        self.monitor_chain = Chain(n, len(SENSED), stages, p.monitor_delay)
        self.execute_chain = Chain(n + self.monitor_chain.size, len(QUEUED), stages, self.execute_delay)
        self.size = n + self.monitor_chain.size + self.execute_chain.size
        self.index = {name: i for i, name in enumerate(CORE)}
        self._differenced = list(range(n)) + [
            j for c in (self.monitor_chain, self.execute_chain) if c.size
            for j in range(c.start + c.size - c.signals, c.start + c.size)]
        self.lower, self.upper = np.zeros(self.size), np.full(self.size, np.inf)
        for name in ("need", "trust", "trust_anchor", "expression", "participation", "removed",
                     "fatigue", "sharing", "alignment"):
            self.upper[self.index[name]] = 1.0
        self.lower[self.index["trend"]] = -np.inf
        limit = p.plan_integral_limit
        self.lower[self.index["integral"]], self.upper[self.index["integral"]] = -limit, limit
        self.upper[self.monitor_chain.start:self.monitor_chain.start + self.monitor_chain.size] = 1.0

    # -- forcing: scheduled shocks, the legitimacy fall, the enforcement cut, the drift --
    def shock_times(self, horizon: float) -> list[float]:
        """Times of scheduled shocks up to ``horizon`` (one step before the agent
        model's shock step, so that the twin at step t has felt step t's shock)."""
        at, every = self.p.shock_at_step, self.p.shock_every
        return [step - 1.0 for step in range(1, int(horizon) + 2) if rules.scheduled_shock(step, at, every)]

    def forcing_changes(self, horizon: float) -> list[float]:
        """Times at which the legitimacy fall, the cut in standing enforcement or
        accommodation's loss of effect starts or stops (a step early, as
        shocks), and the drift of the lever mix: kinks the solver must not step
        across."""
        p = self.p
        times = []
        for drop, at, duration in ((p.shock_trust_drop, p.shock_trust_drop_step, p.shock_trust_drop_duration),
                                   (p.shock_enforcement_drop, p.shock_enforcement_drop_step,
                                    p.shock_enforcement_drop_duration),
                                   (p.shock_accommodation_drop, p.shock_accommodation_drop_step,
                                    p.shock_accommodation_drop_duration)):
            if drop > 0 and at >= 0:
                times += [at - 1.0, at - 1.0 + duration]
        ends = drift_ends(p.plan_soft_share, p.drift_to, p.drift_per_step, p.drift_start)
        if ends is not None:  # the drift of the lever mix starts and stops
            times += [p.drift_start, ends]
        return sorted({t for t in times if 0 <= t <= horizon})

    def lever_mix(self, t: float) -> float:
        """The lever mix at time ``t`` (the scenario's, or where its drift has taken it)."""
        p = self.p
        return lever_mix(t, p.plan_soft_share, p.drift_to, p.drift_per_step, p.drift_start)

    def forcing(self, t: float) -> float:
        """Legitimacy fall per step at time ``t`` (0 outside its window)."""
        p = self.p
        return rules.legitimacy_fall(t + 1.0, p.shock_trust_drop, p.shock_trust_drop_step, p.shock_trust_drop_duration)

    def enforcement(self, t: float) -> float:
        """Standing enforcement presence at time ``t``: the agents' at step ``t``,
        falling linearly over each step of a cut (as the legitimacy fall)."""
        p = self.p
        return rules.standing_enforcement(t, p.society_enforcement, p.shock_enforcement_drop,
                                          p.shock_enforcement_drop_step, p.shock_enforcement_drop_duration)

    def accommodation_effect(self, t: float) -> float:
        """Accommodation's effect at time ``t``: the agents' at step ``t``, falling linearly
        over each step of a scheduled loss (as the cut in standing enforcement)."""
        p = self.p
        return rules.accommodation_effect(t, p.levers_accommodation_effect, p.shock_accommodation_drop,
                                          p.shock_accommodation_drop_step, p.shock_accommodation_drop_duration)

    def shock(self, x: np.ndarray) -> np.ndarray:
        """A scheduled shock: need at once, and pressure left behind."""
        i = self.index["need"]
        x = x.copy()
        x[i], x[0:2] = self.society.shocked(x[i], x[0:2])
        return x

    # -- the state --------------------------------------------------------------------
    def initial(self) -> np.ndarray:
        """The state at step 0, as the agent model starts."""
        p = self.p
        x = np.zeros(self.size)
        i = self.index
        x[i["need"]] = self.society.baseline(0.0)
        x[i["trust"]] = x[i["trust_anchor"]] = p.society_trust
        quiet = self.society.respond(self.core(x), 0.0, 0.0, self.enforcement(0.0))
        x[i["expression"]] = quiet.expression
        x[i["participation"]] = quiet.participation
        now = sensed(p, self.core(x), self.district_size)
        self.monitor_chain.fill(x, now)
        w = p.analyze_need_weight
        x[i["tension"]] = (1 - w) * now[0] + w * now[1]
        x[i["reserve"]] = p.protecting_reserve if p.protecting_enabled else 0.0
        x[i["capacity"]] = p.plan_capacity
        x[i["sharing"]] = p.structure_sharing
        x[i["alignment"]] = 1.0
        return x

    def embed(self, other: GovernanceTwin, state: np.ndarray) -> np.ndarray:
        """A state of this twin at rest where ``other``'s ``state`` is.

        Used to carry a fixed point across a change of parameters that
        changes the number of delay stages: the stocks are copied, and every
        stage of a delay holds the value passing through it.
        """
        if other is None or other.size == self.size:
            return state.copy()
        x = np.zeros(self.size)
        n = len(CORE)
        x[:n] = state[:n]
        now = sensed(other.p, other.core(state), other.district_size)
        self.monitor_chain.fill(x, other.monitor_chain.output(state, now))
        self.execute_chain.fill(x, other.execute_chain.output(state, np.zeros(len(QUEUED))))
        return x

    def solver_jacobian(self, t: float, x: np.ndarray, forcing: float = 0.0) -> np.ndarray:
        """Jacobian for the implicit solver: a delay stage's column is known exactly
        (it drains itself and fills the next stage at rate stages/delay); only the
        core stocks and what leaves each delay are differenced, forward."""
        f0 = self.rhs(t, x, forcing)
        J = np.zeros((self.size, self.size))
        for c in (self.monitor_chain, self.execute_chain):
            rate = c.stages / c.delay if c.size else 0.0
            for j in range(c.start, c.start + c.size - c.signals):  # all but the last stage
                J[j, j], J[j + c.signals, j] = -rate, rate
        for j in self._differenced:
            h = 1e-7 * max(1.0, abs(x[j]))
            up = x.copy()
            up[j] += h
            J[:, j] = (self.rhs(t, up, forcing) - f0) / h
        return J

    def constant_stocks(self) -> list[str]:
        """Core stocks that no flow moves under these settings."""
        p = self.p
        still = ["trust_anchor"]  # moves only during a legitimacy fall (a forcing)
        if not any((p.levers_trust_from_accommodation, p.levers_trust_from_constraint,
                    p.levers_trust_from_need, p.levers_trust_from_removal, p.society_trust_recovery)):
            still.append("trust")
        if p.analyze_horizon <= 0 or self.smoothing_lag <= 0 or not 0 < self.trend_lag < math.inf:
            still.append("trend")
        if (p.plan_policy not in ("pid", "balanced") or p.plan_integral <= 0
                or p.plan_integral_limit <= 0):
            still.append("integral")
        if not p.protecting_enabled:
            still += ["reserve", "fatigue"]
        if not p.configuring_enabled:
            still += ["capacity", "sharing"]
        if p.apparatus_drift <= 0 and (p.apparatus_oversight <= 0 or p.structure_centralisation <= 0):
            still.append("alignment")
        if self.smoothing_lag <= 0:
            still.append("tension")
        return still

    @staticmethod
    def core(x: np.ndarray) -> Core:
        """The core stocks of a state, by name, as plain floats."""
        return Core._make(x[:len(CORE)].tolist())

    # -- the flows ------------------------------------------------------------------------
    def rhs(self, t: float, x: np.ndarray, forcing: float = 0.0) -> np.ndarray:
        """Rates of change of every stock; ``forcing`` is the legitimacy fall per step."""
        flows = self.flows(x, t)
        dx = flows["dx"]
        if forcing:
            for j in (self.index["trust"], self.index["trust_anchor"]):
                dx[j] -= forcing * self._still_falling(x[j])
        return dx

    def _still_falling(self, trust: float) -> float:
        """Share of the legitimacy fall that still lowers mean ``trust``.

        Each agent's trust stops at 0, so the fall of the mean tapers off as
        the mean nears 0 (over the trust spread, or ``twin.fall_taper`` at
        least) rather than stopping at once: a flow that switched off at a
        point would be a jump the solver cannot step across.
        """
        width = max(self.p.society_trust_spread, self.p.twin_fall_taper)
        return min(1.0, max(0.0, trust) / width)

    def flows(self, state: np.ndarray, t: float = 0.0) -> dict[str, Any]:
        """Rates of change and the auxiliary quantities the series show, at time ``t``
        (which sets the standing enforcement, :meth:`enforcement`).

        The flows are computed on the state clipped to its bounds (shares in
        [0, 1], levels >= 0), plus a pull back from any excursion outside
        them: a root finder may try such states, the loop never reaches them.
        """
        p, i, society = self.p, self.index, self.society
        x = np.minimum(np.maximum(state, self.lower), self.upper)
        dx = x - state
        s = Core._make(x[:len(CORE)].tolist())  # plain floats: scalar arithmetic is cheap
        d = [0.0] * len(CORE)
        queued = self.execute_chain.output(x, _NO_PLAN).tolist()
        # Execute: loss, and the agencies' alignment (the agents' rule)
        q_acc, q_con, q_inc, q_mob = (max(q, 0.0) for q in queued)
        got = execute.delivered(q_acc, q_con, q_inc, q_mob, s.alignment, s.sharing, p.execute_loss,
                                p.apparatus_overreach, p.execute_max_intensity)
        acc, con = rules.levers_felt(got[0], got[1], got[3], p.levers_mobilise_effect)

        # society: pressure, need, trust, and what agents do (one step to adjust)
        lam = society.relief(acc, self.accommodation_effect(t))
        d_pressure, d[i["need"]], d[i["trust"]], r = society.rates(s, x[0:2], lam, acc, con, got[2],
                                                                   self.enforcement(t))
        dx[0:2] += d_pressure
        d[i["expression"]] += r.expression - s.expression
        d[i["participation"]] += r.participation - s.participation
        d[i["removed"]] += r.removal - s.removed / society.term

        # Monitor (delayed) and Analyze
        sensed_now = sensed(p, s, self.district_size)
        self.monitor_chain.flow(x, sensed_now, dx)
        seen = self.monitor_chain.output(x, sensed_now)
        w = p.analyze_need_weight
        raw = (1 - w) * seen[0] + w * seen[1]
        if self.smoothing_lag > 0:
            d[i["tension"]] += (raw - s.tension) / self.smoothing_lag
            tension = s.tension
        else:
            tension = raw
        horizon, trend = p.analyze_horizon, s.trend
        if horizon > 0:
            slope = d[i["tension"]] + dx[i["tension"]]
            if self.trend_lag > 0:
                d[i["trend"]] += (slope - s.trend) / self.trend_lag
            else:  # no smoothing: the trend is the last change
                trend = slope
        forecast = tension + horizon * trend
        error = forecast - p.analyze_setpoint
        spread = district_spread(p, s.participation, self.filtered_var, society.need_variance(lam))
        faults = ndtr((forecast - p.analyze_fault_level) / spread)
        crisis = logistic((faults - p.analyze_crisis_share) / p.twin_crisis_width)

        planned_mob = self._protecting_flows(s, crisis, d)

        # Plan: the policy's demand, fitted to the budget, then queued for Execute
        acc_p, con_p, inc_p, d[i["integral"]] = planned(p, s, error, forecast, spread, faults,
                                                        capacity.lever_budget(s.capacity, self.overhead),
                                                        self.lever_mix(t))
        self.execute_chain.flow(x, np.array((acc_p, con_p, inc_p, min(planned_mob, p.execute_max_intensity))),
                                dx)

        self._configuring_flows(s, crisis, faults, d)

        # the apparatus drifts with coercion held, oversight restores it
        d[i["alignment"]] += apparatus.alignment_change(s.alignment, got[1] + got[3], p.apparatus_drift,
                                              p.apparatus_oversight, p.structure_centralisation)
        dx[:len(CORE)] += d
        return {"dx": dx, "response": r, "delivered": got, "seen": seen, "tension": tension,
                "faults": faults, "crisis": crisis, "spread": spread}

    def _protecting_flows(self, s, crisis: float, d: list[float]) -> float:
        """Self-protecting: the reserve is released in a crisis, tires, rebuilds.

        Adds the rates of ``reserve`` and ``fatigue`` to ``d``; returns the
        mobilisation released.
        """
        p, i = self.p, self.index
        if not p.protecting_enabled:
            return 0.0
        # the agents' rule for one step, with the chance of a crisis as its weight
        mobilised, reserve, fatigue = protecting.protect(
            s.reserve, s.fatigue, crisis, p.protecting_reserve, p.protecting_release,
            p.protecting_recovery, p.protecting_fatigue)
        d[i["reserve"]] += reserve - s.reserve
        d[i["fatigue"]] += fatigue - s.fatigue
        return mobilised

    def _configuring_flows(self, s, crisis: float, faults: float, d: list[float]) -> None:
        """Self-configuring: capacity after crises, information sharing while faults persist.

        Adds the rates of ``capacity`` and ``sharing`` to ``d``.
        """
        p, i = self.p, self.index
        if not p.configuring_enabled:
            return
        step, period = p.configuring_step, p.configuring_period
        K = s.capacity
        floor = p.plan_capacity
        top = max(floor, p.configuring_max_capacity)
        # the agents' factor per period, with the chance of a crisis as its weight, as a rate
        growth = K * math.log(configuring.capacity_factor(crisis, step)) / period
        d[i["capacity"]] += 0.0 if (K >= top and growth > 0) or (K <= floor and growth < 0) else growth
        faulty = logistic((faults - p.configuring_fault_tolerance) / p.twin_fault_share_width)
        share = configuring.sharing_change(faulty, step) / period
        S = s.sharing
        d[i["sharing"]] += 0.0 if (S >= 1 and share > 0) or (S <= 0 and share < 0) else share

    # -- what the recorder would show -----------------------------------------------------
    def observe(self, x: np.ndarray, t: float = 0.0) -> dict[str, float]:
        """The agent recorder's series, computed from the stocks at time ``t``."""
        f = self.flows(x, t)
        i, r, d = self.index, f["response"], f["delivered"]
        return {
            "need": x[i["need"]], "trust": x[i["trust"]], "grievance": r.grievance,
            "latent": r.latent, "expression": x[i["expression"]],
            "observed_expression": f["seen"][0], "observability_gap": r.latent - f["seen"][0],
            "participation": x[i["participation"]], "removed": x[i["removed"]],
            "tension": f["tension"], "accommodate": d[0], "constrain": d[1],
            "incentivise": d[2], "mobilise": d[3], "faults": f["faults"] * self.districts,
            "crisis": f["crisis"], "alignment": x[i["alignment"]], "reserve": x[i["reserve"]],
            "fatigue": x[i["fatigue"]], "capacity": x[i["capacity"]], "sharing": x[i["sharing"]],
            "cost": capacity.spent(float(sum(d)), self.overhead),
        }

    def frame(self, t: np.ndarray, states: np.ndarray) -> pd.DataFrame:
        rows = [self.observe(states[:, j], float(t[j])) for j in range(states.shape[1])]
        out = pd.DataFrame(rows)
        out.insert(0, "step", t)
        return out
