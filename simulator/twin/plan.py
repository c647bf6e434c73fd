"""Plan in the twin: the policy's mean demand for each lever, fitted to the budget.

The budget is the agent model's (``loop/capacity.py``: :func:`lever_budget`
after :func:`overheads`). The policies are the agents' (``loop/plan.py``:
:func:`control`, :func:`mix`, :func:`standing_service`, :func:`pooled_scale`), with the
district spread of the estimated tension turning each district's
``max(0, ...)`` and fault flag into smooth functions of the mean
(``expectations.py``). Plan's integral is a stock of the twin; its
anti-windup clip at ``plan.integral_limit`` becomes a smooth brake
``1 - (|I| / limit) ** twin.windup_sharpness`` on filling it, so that a loop
resting wound up is a regular root for the equilibrium solver.
"""

from __future__ import annotations

import math

from ..loop import plan
from .expectations import ndtr, positive_mean

__all__ = ["planned", "integral_rate"]


def integral_rate(p, integral: float, error: float) -> float:
    """Rate at which Plan's integral fills: the error, braked near the limit."""
    limit = p.plan_integral_limit
    if p.plan_integral <= 0 or limit <= 0:  # no integral gain (no effect), or nothing stored
        return 0.0
    if integral * error > 0:  # outward
        return error * (1.0 - min(1.0, (abs(integral) / limit) ** p.twin_windup_sharpness))
    return error


def planned(p, s, error: float, forecast: float, spread: float, faults: float,
            budget: float, soft: float) -> tuple[float, float, float, float]:
    """Mean accommodation, constraint and incentive the policy asks for with the
    lever mix ``soft``, and the rate at which Plan's integral fills."""
    policy = p.plan_policy
    filling = 0.0
    if policy == "none":
        return 0.0, 0.0, 0.0, filling
    gain = p.plan_gain
    incentive_share = p.plan_incentive_share
    if policy == "threshold":
        acc, con = plan.mix(p.plan_threshold_response * faults, soft)
    else:
        filling = integral_rate(p, s.integral, error)
        if policy == "pid":
            mean = plan.control(gain, error, p.plan_integral, s.integral, p.plan_derivative, s.trend)
            acc, con = plan.mix(positive_mean(mean, gain * spread), soft)
        else:  # balanced: standing service, constraint only where in fault
            mean = plan.control(gain, error, p.plan_integral, s.integral)
            acc, _ = plan.mix(positive_mean(mean, gain * spread), soft)
            acc += plan.standing_service(p.plan_service, soft, budget)
            con = plan.mix(_response_in_fault(p.analyze_fault_level, mean, gain, spread, forecast), soft)[1]
    lever_budget = budget * (1 - incentive_share)
    scale = plan.pooled_scale(acc + con, lever_budget)
    cap = p.execute_max_intensity
    return min(acc * scale, cap), min(con * scale, cap), min(cap, budget * incentive_share), filling


def _response_in_fault(level: float, mean: float, gain: float, spread: float, forecast: float) -> float:
    """E[max(0, mean + gain d) ; forecast + d > fault level] over d ~ N(0, spread^2)."""
    cut = level - forecast
    if gain > 0:
        cut = max(cut, -mean / gain)
    z = cut / spread
    tail = ndtr(-z)
    return max(0.0, mean * tail + gain * spread * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi))
