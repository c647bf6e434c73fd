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

from ..society.grid import Grid
from .delays import Chain
from .expectations import clipped_mean, logistic, ndtr, positive_mean
from .meanfield import Population

__all__ = ["GovernanceTwin"]

Core = namedtuple("Core", ["matched_pressure", "unmatched_pressure", "need", "trust", "trust_anchor",
                           "expression", "participation", "removed", "tension", "trend", "integral",
                           "reserve", "fatigue", "capacity", "sharing", "alignment"])
CORE: tuple[str, ...] = Core._fields
_NO_PLAN = np.zeros(4)
SENSED = ("expression", "need", "participation")
QUEUED = ("accommodate", "constrain", "incentivise", "mobilise")


def _rate(share: float) -> float:
    """Continuous rate that removes ``share`` per step, as the step map does."""
    return -np.log1p(-min(share, 1.0 - 1e-12))


def _kept_share(lam: np.ndarray) -> np.ndarray:
    """``lam e^-lam / (1 - e^-lam)`` = ``lam / (e^lam - 1)``, which is 1 at ``lam = 0``."""
    small = lam < 1e-9
    return np.where(small, 1.0 - 0.5 * lam, lam / np.expm1(np.where(small, 1.0, lam)))


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
        self.p = _numbers(v)
        p = self.p
        grid = Grid(agents=int(p.society_agents), density=p.society_density,
                    districts_per_side=int(p.society_districts_per_side),
                    agencies=int(p.apparatus_agencies))
        self.districts = grid.districts
        window = grid.window_cells(int(p.society_vision), p.society_neighbourhood)
        self.window = window
        self.population = Population(v, window, p.society_agents / grid.cells)
        self._responses: dict[tuple, Any] = {}
        self.district_size = p.society_agents / grid.districts
        self._derive(p, grid)
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
        self.lower[self.index["integral"]], self.upper[self.index["integral"]] = -5.0, 5.0
        self.upper[self.monitor_chain.start:self.monitor_chain.start + self.monitor_chain.size] = 1.0

    # -- constants read once -------------------------------------------------------
    def _derive(self, p, grid) -> None:
        types = int(p.disturbance_types)
        matched = min(int(p.levers_response_types), types)
        # two pools of pressure: the types with a matching response and the rest
        self.type_counts = np.array([matched, types - matched], float)
        self.type_share = self.type_counts / types
        self.match = np.array([1.0, p.levers_unmatched_effect])
        r, s = p.disturbance_rate, p.disturbance_size
        self.arrival_var = r * 2.0 * s * s - (r * s) ** 2
        # expected arrivals per step: disturbances, and random shocks spread over time
        self.arrivals = self.type_counts * r * s + p.shock_rate * p.shock_reach * p.shock_size * self.type_share
        self.decay = _rate(p.disturbance_decay)
        self.need_rate = _rate(p.society_need_rate)
        alpha = p.analyze_smoothing
        self.smoothing_lag = (1.0 - alpha) / alpha
        self.filtered_var = alpha / (2.0 - alpha)  # variance an EMA lets through
        self.term = (int(p.society_removal_term) + 1) / 2.0
        c = p.structure_centralisation
        k = grid.k
        unit = (int(p.structure_granularity) - 1) / (k - 1) if k > 1 else 0.0
        central = p.structure_central_delay
        base = 1.0 + p.execute_delay
        # the centre decides the share c of the response; a local unit the rest
        self.execute_delay = base + c * central + (1.0 - c) * round(unit * central)
        self.shocks = (p.shock_at_step, p.shock_every)

    def shock_times(self, horizon: float) -> list[float]:
        """Times of scheduled shocks up to ``horizon`` (one step before the agent
        model's shock step, so that the twin at step t has felt step t's shock)."""
        at, every = self.shocks
        if at < 0:
            return []
        times = [at - 1.0]
        while every > 0 and times[-1] + every <= horizon:
            times.append(times[-1] + every)
        return [t for t in times if 0 <= t <= horizon]

    def _fall(self) -> tuple[float, float, float] | None:
        """The legitimacy fall as (start, end, fall per step), or None.

        It starts one step before the agent model's ``shock.trust_drop_step``,
        so that the twin at step t has felt that step's part of the fall."""
        p = self.p
        start = p.shock_trust_drop_step - 1.0
        if p.shock_trust_drop <= 0 or start < -1:
            return None
        duration = p.shock_trust_drop_duration
        return start, start + duration, p.shock_trust_drop / duration

    def forcing_changes(self, horizon: float) -> list[float]:
        """Times at which the legitimacy fall starts or stops."""
        fall = self._fall()
        return [] if fall is None else [t for t in fall[:2] if 0 <= t <= horizon]

    # -- the state --------------------------------------------------------------------
    def initial(self) -> np.ndarray:
        """The state at step 0, as the agent model starts."""
        p = self.p
        x = np.zeros(self.size)
        i = self.index
        x[i["need"]] = self._need_target(0.0)
        x[i["trust"]] = x[i["trust_anchor"]] = p.society_trust
        quiet = self._respond(self.core(x), [0.0] * 4)
        x[i["expression"]] = quiet.expression
        x[i["participation"]] = quiet.participation
        sensed = self._sensed(self.core(x))
        self.monitor_chain.fill(x, sensed)
        w = p.analyze_need_weight
        x[i["tension"]] = (1 - w) * sensed[0] + w * sensed[1]
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
        self.monitor_chain.fill(x, other.monitor_chain.output(state, other._sensed(other.core(state))))
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
        if p.analyze_horizon <= 0 or self.smoothing_lag <= 0:
            still.append("trend")
        if p.plan_policy not in ("pid", "balanced") or p.plan_integral <= 0:
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

    def _need_target(self, pressure: float) -> float:
        """Mean of min(1, baseline + pressure) over the uniform baseline need."""
        p = self.p
        base, half = p.society_need_base, p.society_need_spread
        lo, hi = max(0.0, base - half), min(1.0, base + half)
        if hi - lo < 1e-12:
            return min(1.0, lo + pressure)
        over = (max(0.0, hi + pressure - 1.0) ** 2 - max(0.0, lo + pressure - 1.0) ** 2) / (2 * (hi - lo))
        return 0.5 * (lo + hi) + pressure - over

    def _delivered(self, s, queued) -> list[float]:
        """What reaches the society: loss, and the agencies' alignment."""
        p = self.p
        kept = 1.0 - p.execute_loss * (1.0 - s.sharing)
        align = s.alignment
        over = p.apparatus_overreach * (1.0 - align)
        acc, con, inc, mob = (max(q, 0.0) * kept for q in queued)
        return [acc * align, min(con * (1.0 + over), 2.0 * p.execute_max_intensity), inc, mob]

    def _respond(self, s, delivered):
        p = self.p
        mob = p.levers_mobilise_effect * delivered[3]
        constraint = delivered[1] + mob
        density = min(1.0, max(0.0, p.society_enforcement + p.levers_presence * constraint))
        eyes = p.monitor_visibility * p.monitor_coverage * self.window
        key = (s.need, s.trust, s.expression, s.removed, density, delivered[2])
        # the solver's Jacobian moves one stock at a time, and most stocks do not
        # reach the society at once: the same response is asked for again and again
        known = self._responses.get(key)
        if known is None:
            if len(self._responses) > 512:
                self._responses.clear()
            known = self._responses[key] = self.population.respond(
                s.need, s.trust, s.expression, 1.0 - s.removed,
                density * self.window, eyes, p.levers_incentive_effect * delivered[2])
        return known

    def _reports(self, s) -> tuple[float, float]:
        """Share reporting through services, and the noise on reported need
        (Monitor knows need only from participants: fewer reports, more noise)."""
        reported = self.p.monitor_participation_sensing * s.participation
        return reported, self.p.monitor_noise / math.sqrt(max(reported, 0.01))

    def _sensed(self, s) -> np.ndarray:
        """What Monitor reports now (it reaches Analyze after the delay)."""
        p = self.p
        noise, E, n, Q = p.monitor_noise, s.expression, s.need, s.participation
        reported, need_sd = self._reports(s)
        sensed = 1.0 - (1.0 - p.monitor_coverage) * (1.0 - reported)
        sampling = max(E, 0.0) * (1.0 - sensed) / max(sensed * self.district_size, 1.0)
        return np.array([clipped_mean(E, math.sqrt(noise ** 2 + sampling)),
                         clipped_mean(n, need_sd), clipped_mean(Q, noise)])

    def _district_spread(self, s, acc: float) -> float:
        """Spread of estimated tension across districts: measurement noise
        through the filter, plus the need that uneven disturbances leave."""
        p = self.p
        w, noise = p.analyze_need_weight, p.monitor_noise
        need_sd = self._reports(s)[1]
        measured = self.filtered_var * ((1 - w) ** 2 * noise ** 2 + w ** 2 * need_sd ** 2)
        # per type: stationary variance of pressure, then of need that follows it
        b = 1.0 - p.society_need_rate
        r = 1.0 - b
        need_var = 0.0
        for count, match in zip(self.type_counts, self.match):
            c = math.exp(-(self.decay + p.levers_accommodation_effect * acc * match))
            # pressure that never fades (no decay, no accommodation) has no stationary
            # spread; need, a share in [0, 1], has at most 1/4, reached well before c = 1
            c = min(c, 1.0 - 1e-6)
            pressure_var = count * c * c * self.arrival_var / (1.0 - c * c)
            need_var += r * r * pressure_var * (1 + b * c) / ((1 - b * b) * (1 - b * c))
        return math.sqrt(measured + w * w * min(need_var, 0.25) + 1e-8)

    # -- the flows ------------------------------------------------------------------------
    def rhs(self, t: float, x: np.ndarray, forcing: float = 0.0) -> np.ndarray:
        """Rates of change of every stock; ``forcing`` is the legitimacy fall per step."""
        flows = self.flows(x)
        dx = flows["dx"]
        if forcing:
            for j in (self.index["trust"], self.index["trust_anchor"]):
                dx[j] -= forcing * self._still_falling(x[j])
        return dx

    def _still_falling(self, trust: float) -> float:
        """Share of the legitimacy fall that still lowers mean ``trust``.

        Each agent's trust stops at 0, so the fall of the mean tapers off as
        the mean nears 0 (over the trust spread, or 0.01 at least) rather
        than stopping at once: a flow that switched off at a point would be
        a jump the solver cannot step across.
        """
        width = max(self.p.society_trust_spread, 0.01)
        return min(1.0, max(0.0, trust) / width)

    def flows(self, state: np.ndarray) -> dict[str, Any]:
        """Rates of change and the auxiliary quantities the series show.

        The flows are computed on the state clipped to its bounds (shares in
        [0, 1], levels >= 0), plus a pull back from any excursion outside
        them: a root finder may try such states, the loop never reaches them.
        """
        p, i = self.p, self.index
        x = np.minimum(np.maximum(state, self.lower), self.upper)
        dx = x - state
        s = Core._make(x[:len(CORE)].tolist())  # plain floats: scalar arithmetic is cheap
        d = [0.0] * len(CORE)
        queued = self.execute_chain.output(x, _NO_PLAN).tolist()
        delivered = self._delivered(s, queued)
        mob = p.levers_mobilise_effect * delivered[3]
        acc, con = delivered[0] + mob, delivered[1] + mob

        # society: pressure, need, trust
        lam = self.decay + p.levers_accommodation_effect * acc * self.match
        pressure = x[0:2]
        # exact equilibrium of the step map: P = arrivals keep / (1 - keep), keep = e^-lam;
        # with no decay and no accommodation (lam = 0) pressure piles up at the arrival rate
        dx[0:2] += self.arrivals * _kept_share(lam) - lam * pressure
        n, trust, anchor = s.need, s.trust, s.trust_anchor
        d[i["need"]] += (self.need_rate * (self._need_target(s.matched_pressure + s.unmatched_pressure) - n)
                         + p.shock_rate * p.shock_reach * max(0.0, min(p.shock_size, 1.0 - n)))
        gain = p.levers_trust_from_accommodation * acc
        loss = (p.levers_trust_from_constraint * con + p.levers_trust_from_need * n
                + p.levers_trust_from_removal * s.removed)
        d[i["trust"]] += gain * (1 - trust) - loss * trust + p.society_trust_recovery * (anchor - trust)

        # society: what agents do, one step to adjust
        r = self._respond(s, delivered)
        d[i["expression"]] += r.expression - s.expression
        d[i["participation"]] += r.participation - s.participation
        d[i["removed"]] += r.removal - s.removed / self.term

        # Monitor (delayed) and Analyze
        sensed_now = self._sensed(s)
        self.monitor_chain.flow(x, sensed_now, dx)
        seen = self.monitor_chain.output(x, sensed_now)
        w = p.analyze_need_weight
        raw = (1 - w) * seen[0] + w * seen[1]
        if self.smoothing_lag > 0:
            d[i["tension"]] += (raw - s.tension) / self.smoothing_lag
            tension = s.tension
        else:
            tension = raw
        horizon = p.analyze_horizon
        if horizon > 0:
            d[i["trend"]] += (d[i["tension"]] + dx[i["tension"]] - s.trend) / 4.0
        forecast = tension + horizon * s.trend
        error = forecast - p.analyze_setpoint
        spread = self._district_spread(s, acc)
        level = p.analyze_fault_level
        faults = ndtr((forecast - level) / spread)
        crisis = (logistic((faults - p.analyze_crisis_share) / 0.02))

        # self-protecting: the reserve is released in a crisis, tires, rebuilds
        planned_mob = 0.0
        if p.protecting_enabled:
            reserve, fatigue = s.reserve, s.fatigue
            release, recovery = p.protecting_release, p.protecting_recovery
            planned_mob = crisis * release * reserve * (1.0 - fatigue)
            d[i["reserve"]] += ((1 - crisis) * recovery * (p.protecting_reserve - reserve)
                                - crisis * release * reserve)
            d[i["fatigue"]] += (crisis * min(p.protecting_fatigue, max(0.0, 1.0 - fatigue))
                                - (1 - crisis) * recovery * fatigue)

        # Plan: the policy's demand, fitted to the budget
        plan = self._plan(s, error, forecast, spread, faults, d)
        planned = np.array((plan[0], plan[1], plan[2], min(planned_mob, p.execute_max_intensity)))
        self.execute_chain.flow(x, planned, dx)

        # self-configuring: capacity after crises, information sharing while faults persist
        if p.configuring_enabled:
            step, period = p.configuring_step, p.configuring_period
            K = s.capacity
            floor = p.plan_capacity
            top = max(floor, p.configuring_max_capacity)
            growth = K * (crisis * math.log1p(step) + (1 - crisis) * math.log1p(-step / 4)) / period
            d[i["capacity"]] += 0.0 if (K >= top and growth > 0) or (K <= floor and growth < 0) else growth
            faulty = (logistic((faults - 0.05) / 0.01))
            share = (faulty * step - (1 - faulty) * step / 4) / period
            S = s.sharing
            d[i["sharing"]] += 0.0 if (S >= 1 and share > 0) or (S <= 0 and share < 0) else share

        # the apparatus drifts with coercion held, oversight restores it
        A = s.alignment
        d[i["alignment"]] += (-p.apparatus_drift * (delivered[1] + delivered[3]) * A
                              + p.apparatus_oversight * p.structure_centralisation * (1 - A))
        dx[:len(CORE)] += d
        return {"dx": dx, "response": r, "delivered": delivered, "seen": seen, "tension": tension,
                "faults": faults, "crisis": crisis, "spread": spread}

    def _plan(self, s, error, forecast, spread, faults, d) -> tuple[float, float, float]:
        """Mean accommodation, constraint and incentive the policy asks for."""
        p, i = self.p, self.index
        policy = p.plan_policy
        if policy == "none":
            return 0.0, 0.0, 0.0
        c = p.structure_centralisation
        budget = max(0.0, s.capacity - p.monitor_cost * p.monitor_coverage
                     - p.apparatus_oversight_cost * c)
        soft, gain = p.plan_soft_share, p.plan_gain
        incentive_share = p.plan_incentive_share
        if policy == "threshold":
            response = p.plan_threshold_response * faults
            acc, con = soft * response, (1 - soft) * response
        else:
            integral = s.integral
            # anti-windup: the integral never stores more than +-5. A smooth brake
            # (1 - (I/5)^8) on filling it rather than a hard stop, so that a loop
            # resting wound up is a regular root for the equilibrium solver
            if p.plan_integral > 0:  # with no integral gain it has no effect
                outward = integral * error > 0
                d[i["integral"]] += error * (1.0 - min(1.0, (integral / 5.0) ** 8) if outward else 1.0)
            mean = gain * error + p.plan_integral * integral
            if policy == "pid":
                mean += p.plan_derivative * s.trend
            response = positive_mean(mean, gain * spread)
            if policy == "pid":
                acc, con = soft * response, (1 - soft) * response
            else:  # balanced: standing service, constraint only where in fault
                acc = 0.5 * soft * budget + soft * response
                con = (1 - soft) * self._response_in_fault(mean, gain, spread, forecast)
        lever_budget = budget * (1 - incentive_share)
        demand = acc + con
        scale = 1.0 if demand <= lever_budget else lever_budget / demand
        cap = p.execute_max_intensity
        return min(acc * scale, cap), min(con * scale, cap), min(cap, budget * incentive_share)

    def _response_in_fault(self, mean: float, gain: float, spread: float, forecast: float) -> float:
        """E[max(0, mean + gain d) ; forecast + d > fault level] over d ~ N(0, spread^2)."""
        level = self.p.analyze_fault_level
        cut = level - forecast
        if gain > 0:
            cut = max(cut, -mean / gain)
        z = cut / spread
        tail = ndtr(-z)
        return max(0.0, mean * tail + gain * spread * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi))

    # -- what the recorder would show -----------------------------------------------------
    def observe(self, x: np.ndarray) -> dict[str, float]:
        """The agent recorder's series, computed from the stocks."""
        f = self.flows(x)
        i, r, d = self.index, f["response"], f["delivered"]
        p = self.p
        overhead = (p.monitor_cost * p.monitor_coverage
                    + p.apparatus_oversight_cost * p.structure_centralisation)
        return {
            "need": x[i["need"]], "trust": x[i["trust"]], "grievance": r.grievance,
            "latent": r.latent, "expression": x[i["expression"]],
            "observed_expression": f["seen"][0], "observability_gap": r.latent - f["seen"][0],
            "participation": x[i["participation"]], "removed": x[i["removed"]],
            "tension": f["tension"], "accommodate": d[0], "constrain": d[1],
            "incentivise": d[2], "mobilise": d[3], "faults": f["faults"] * self.districts,
            "crisis": f["crisis"], "alignment": x[i["alignment"]], "reserve": x[i["reserve"]],
            "fatigue": x[i["fatigue"]], "capacity": x[i["capacity"]], "sharing": x[i["sharing"]],
            "cost": float(sum(d)) + overhead,
        }

    def frame(self, t: np.ndarray, states: np.ndarray) -> pd.DataFrame:
        rows = [self.observe(states[:, j]) for j in range(states.shape[1])]
        out = pd.DataFrame(rows)
        out.insert(0, "step", t)
        return out

    def shock(self, x: np.ndarray) -> np.ndarray:
        """A scheduled shock: need at once, and pressure left behind."""
        p, i = self.p, self.index
        reach, size = p.shock_reach, p.shock_size
        x = x.copy()
        x[i["need"]] += reach * max(0.0, min(size, 1.0 - x[i["need"]]))
        x[0:2] += reach * size * self.type_share
        return x

    def forcing(self, t: float) -> float:
        """Legitimacy fall per step at time ``t`` (0 outside its window)."""
        fall = self._fall()
        return fall[2] if fall is not None and fall[0] <= t < fall[1] else 0.0
