"""Plan: share a limited capacity budget across districts and levers.

A *policy* turns the assessment into a demand for accommodation (soft: meet
need at its source) and constraint (hard: raise the cost of expression) in
each district:

``none``
    the loop watches but never acts;
``threshold``
    a fixed response in every district in fault, split by the lever mix;
``pid``
    proportional-integral-derivative control of each district's error;
``balanced``
    soft and hard together: a standing service of accommodation everywhere,
    plus a proportional-integral response in which constraint is kept for
    districts in fault;
``predictive``
    model-predictive control: each step it forecasts every district's
    tension with a model it learns from what it sees and from its own
    decisions, and chooses the response that keeps the forecast nearest the
    set-point for the least cost (``predictive.py``); until the model is
    confident, the pid rule.

The centre decides a share ``centralisation`` of each district's response,
by the district's error; the local units decide the rest. Self-healing (its
own loop, ``selfstar/healing.py``) says which local units repair their own
district's fault; the others spread their share evenly
(:func:`~simulator.loop.selfstar.healing.delegated_response`). Structure
also decides how the budget is pooled: the centre can move capacity to where
it is needed, local units only spend their own share; the plan records which
share the centre decided, because Execute delivers that share later.
Incentives to participate take a fixed share of the budget, spread evenly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..config import Config
from .contracts import Assessment, Plan
from .knowledge import Settings
from .predictive import Predictive
from .selfstar.healing import delegated_response

__all__ = ["Planner", "POLICIES", "control", "mix", "standing_service", "pooled_scale"]

POLICIES: tuple[str, ...] = ("none", "threshold", "pid", "balanced", "predictive")


def control(gain, error, integral_gain: float, integral, derivative_gain: float = 0.0, derivative=0.0):
    """The control signal of the pid and balanced policies, before it is cut at zero:
    proportional, integral and (pid only) derivative terms."""
    signal = gain * error + integral_gain * integral
    return signal + derivative_gain * derivative if derivative_gain else signal


def mix(response, soft: float):
    """A response split by the lever mix: (accommodation, constraint)."""
    return soft * response, (1.0 - soft) * response


def standing_service(service: float, soft: float, per_district: float) -> float:
    """The balanced policy's accommodation offered everywhere, before any response."""
    return service * soft * per_district


def pooled_scale(demand: float, budget: float) -> float:
    """How far a pooled budget scales a demand: all of it, or what the budget allows."""
    return 1.0 if demand <= budget else budget / demand


class Planner:
    """Apply the scenario's policy and fit the result to the budget."""

    def __init__(self, config: Config, units_of: Callable[[int], np.ndarray]):
        self.config = config
        self._units_of = units_of  # granularity -> unit index of every district
        self._integral: np.ndarray | None = None
        self._previous: np.ndarray | None = None
        #: the predictive policy's model and memory (None under the other policies)
        self.predictive: Predictive | None = None

    def plan(self, assessment: Assessment, settings: Settings, budget: float,
             mobilise: np.ndarray, repair: np.ndarray | None) -> Plan:
        """Return lever intensities per district for this step.

        Parameters
        ----------
        assessment : Assessment
            Analyze's view of the districts.
        settings : Settings
            Current gains, mix and structure from Knowledge.
        budget : float
            Capacity left for the levers this step (whole system).
        mobilise : numpy.ndarray
            Mobilisation per district released by self-protecting.
        repair : numpy.ndarray or None
            Per district, whether self-healing ordered its local unit to
            repair a fault (None: self-healing is off).
        """
        districts = assessment.tension.size
        policy = self.config.plan.policy
        cap = self.config.execute.max_intensity
        if policy == "none":
            if not np.any(mobilise):
                return Plan.zeros(assessment.step, districts)  # idle: Execute skips its arithmetic
            zero = np.zeros(districts)
            return Plan(assessment.step, zero, zero.copy(), zero.copy(),
                        np.minimum(np.asarray(mobilise, float), cap))
        accommodate, constrain = self._demand(policy, assessment, settings, budget / districts)
        c = settings.centralisation
        accommodate = delegated_response(accommodate, repair, c)
        constrain = delegated_response(constrain, repair, c)
        lever_budget = budget * (1.0 - settings.incentive_share)
        accommodate, constrain, central = self._fit(accommodate, constrain, lever_budget, settings)
        incentivise = np.full(districts, min(cap, budget * settings.incentive_share / districts))
        plan = Plan(
            step=assessment.step,
            accommodate=np.minimum(accommodate, cap),
            constrain=np.minimum(constrain, cap),
            incentivise=incentivise,
            mobilise=np.minimum(np.asarray(mobilise, float), cap),
            central=central,
        )
        if self.predictive is not None:
            self.predictive.decided(plan)  # its own decisions are half of what it learns from
        return plan

    def _demand(self, policy: str, a: Assessment, s: Settings, per_district: float):
        p = self.config.plan
        soft = s.soft_share
        if policy == "threshold":
            return mix(p.threshold_response * a.faults, soft)
        error = a.error
        if self._integral is None:
            self._integral = np.zeros_like(error)
            self._previous = error.copy()
        # integral with anti-windup: it never stores more than it could spend
        limit = p.integral_limit
        self._integral = np.clip(self._integral + error, -limit, limit)
        derivative = error - self._previous
        self._previous = error.copy()
        if policy in ("pid", "predictive"):
            response = np.maximum(0.0, control(s.gain, error, p.integral, self._integral,
                                               p.derivative, derivative))
            if policy == "predictive":
                if self.predictive is None:
                    self.predictive = Predictive(self.config, error.size)
                chosen = self.predictive.respond(a, s)
                response = response if chosen is None else chosen  # the pid rule until confident
            return mix(response, soft)
        # balanced: standing soft service plus PI, constraint only where in fault
        response = np.maximum(0.0, control(s.gain, error, p.integral, self._integral))
        accommodate, constrain = mix(response, soft)
        return standing_service(p.service, soft, per_district) + accommodate, constrain * a.faults

    def _fit(self, accommodate, constrain, lever_budget: float, s: Settings):
        """Scale demands to the budget: pooled by the centre, per unit locally.

        The centre decides a share ``centralisation`` of the response and can
        move the whole budget to where demand is; each local unit spends only
        its own share of the budget. Returns both levers and, per district,
        the share of them that the centre decided.
        """
        demand = accommodate + constrain
        total = demand.sum()
        central = pooled_scale(total, lever_budget)
        units = self._units_of(s.granularity)
        unit_demand = np.bincount(units, weights=demand)
        unit_budget = lever_budget * np.bincount(units) / demand.size
        local = np.minimum(1.0, unit_budget / np.maximum(unit_demand, 1e-12))[units]
        from_centre = s.centralisation * central
        scale = from_centre + (1.0 - s.centralisation) * local
        share = np.divide(from_centre, scale, out=np.zeros_like(scale), where=scale > 0)
        return accommodate * scale, constrain * scale, share
