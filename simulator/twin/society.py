"""The society in the twin: mean stocks moved by the agents' own rules.

Pressure, need and trust move by the functions the agents use
(``simulator/society/rules.py``: :func:`relief_rate`, :func:`need_pull`,
:func:`trust_rates`, :func:`trust_change`, :func:`trust_recovery`,
:func:`levers_felt`, :func:`patrol_density`, :func:`mean_removal_term`;
``stocks.py`` takes :func:`standing_enforcement` at each time),
applied to the means. What the agents then do (express, participate, get
removed) differs from agent to agent; ``meanfield.py`` averages the same
rules over the distributions the agents are drawn from.

What only the twin adds: the step map's rates as continuous rates
(a share ``r`` removed per step is the rate ``-log(1 - r)``), and need's
ceiling at 1 averaged over the uniform baseline need.
"""

from __future__ import annotations

import math

import numpy as np

from ..loop import monitor
from ..society import rules
from ..society.grid import Grid
from .meanfield import Population, Response

__all__ = ["MeanSociety", "rate"]


def rate(share: float) -> float:
    """Continuous rate that removes ``share`` per step, as the step map does."""
    return -math.log1p(-min(share, 1.0 - 1e-12))


def _kept_share(lam: np.ndarray) -> np.ndarray:
    """``lam e^-lam / (1 - e^-lam)`` = ``lam / (e^lam - 1)``, which is 1 at ``lam = 0``."""
    small = lam < 1e-9
    return np.where(small, 1.0 - 0.5 * lam, lam / np.expm1(np.where(small, 1.0, lam)))


class MeanSociety:
    """The agent society's means, and the flows between them.

    Parameters
    ----------
    values : mapping
        Flat parameter values.
    p : namespace
        The same values as attributes (``p.society_need_rate``).
    grid : Grid
        The agent model's grid (districts, vision window, density).
    """

    def __init__(self, values, p, grid: Grid):
        self.p = p
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
        self.decay = rate(p.disturbance_decay)
        self.need_rate = rate(p.society_need_rate)
        self.term = rules.mean_removal_term(int(p.society_removal_term))
        self.window = grid.window_cells(int(p.society_vision), p.society_neighbourhood)
        self.population = Population(values, self.window, p.society_agents / grid.cells)
        self.eyes = monitor.visible_eyes(p.monitor_visibility, p.monitor_coverage, self.window)
        self._responses: dict[tuple, Response] = {}

    def relief(self, acc: float, effect: float) -> np.ndarray:
        """Rate at which pressure of each pool fades: decay plus accommodation of ``effect``
        (``levers.accommodation_effect``, less any scheduled loss)."""
        return self.decay + rules.relief_rate(acc, self.match, effect)

    def baseline(self, pressure: float) -> float:
        """The baseline need pulls towards, less what need's ceiling at 1 cuts
        off at this ``pressure``: mean of ``min(1, base + pressure) - pressure``
        over the uniform baseline."""
        p = self.p
        base, half = p.society_need_base, p.society_need_spread
        lo, hi = max(0.0, base - half), min(1.0, base + half)
        if hi - lo < 1e-12:
            return min(1.0, lo + pressure) - pressure
        over = (max(0.0, hi + pressure - 1.0) ** 2 - max(0.0, lo + pressure - 1.0) ** 2) / (2 * (hi - lo))
        return 0.5 * (lo + hi) - over

    def rates(self, s, pressure: np.ndarray, lam: np.ndarray, acc: float, con: float,
              incentive: float, enforcement: float) -> tuple[np.ndarray, float, float, Response]:
        """Rates of change of pressure, need and trust, and what agents do now.

        ``acc`` and ``con`` are the accommodation and constraint felt
        (mobilisation counted in both), ``lam`` the :meth:`relief` at ``acc``,
        ``incentive`` the incentive delivered, ``enforcement`` the standing
        enforcement presence now (:func:`~simulator.society.rules.standing_enforcement`).
        """
        p = self.p
        # exact equilibrium of the step map: P = arrivals keep / (1 - keep), keep = e^-lam;
        # with no decay and no accommodation (lam = 0) pressure piles up at the arrival rate
        d_pressure = self.arrivals * _kept_share(lam) - lam * pressure
        n, trust = s.need, s.trust
        felt = s.matched_pressure + s.unmatched_pressure
        d_need = (rules.need_pull(n, self.baseline(felt), felt, self.need_rate)
                  + p.shock_rate * p.shock_reach * max(0.0, min(p.shock_size, 1.0 - n)))
        gain, loss = rules.trust_rates(acc, con, s.removed, p.levers_trust_from_accommodation,
                                 p.levers_trust_from_constraint, p.levers_trust_from_removal)
        d_trust = (rules.trust_change(trust, n, gain, loss, p.levers_trust_from_need)
                   + rules.trust_recovery(trust, s.trust_anchor, p.society_trust_recovery))
        return d_pressure, d_need, d_trust, self.respond(s, con, incentive, enforcement)

    def respond(self, s, con: float, incentive: float, enforcement: float) -> Response:
        """What the agents do on average in state ``s`` under constraint ``con`` and
        standing ``enforcement``."""
        p = self.p
        density = min(1.0, max(0.0, rules.patrol_density(con, enforcement, p.levers_presence)))
        key = (s.need, s.trust, s.expression, s.removed, density, incentive)
        # the solver's Jacobian moves one stock at a time, and most stocks do not
        # reach the society at once: the same response is asked for again and again
        known = self._responses.get(key)
        if known is None:
            if len(self._responses) > 512:
                self._responses.clear()
            known = self._responses[key] = self.population.respond(
                s.need, s.trust, s.expression, 1.0 - s.removed,
                density * self.window, self.eyes, p.levers_incentive_effect * incentive)
        return known

    def need_variance(self, lam: np.ndarray) -> float:
        """Stationary variance of district need that uneven disturbances leave,
        given the :meth:`relief` rates ``lam`` of the pressure pools."""
        b = 1.0 - self.p.society_need_rate
        r = 1.0 - b
        need_var = 0.0
        for count, fade in zip(self.type_counts.tolist(), lam.tolist()):
            c = math.exp(-fade)
            # pressure that never fades (no decay, no accommodation) has no stationary
            # spread; need, a share in [0, 1], has at most 1/4, reached well before c = 1
            c = min(c, 1.0 - 1e-6)
            pressure_var = count * c * c * self.arrival_var / (1.0 - c * c)
            need_var += r * r * pressure_var * (1 + b * c) / ((1 - b * b) * (1 - b * c))
        return min(need_var, 0.25)

    def shocked(self, need: float, pressure: np.ndarray) -> tuple[float, np.ndarray]:
        """Need and pressure just after a scheduled shock."""
        p = self.p
        reach, size = p.shock_reach, p.shock_size
        return need + reach * max(0.0, min(size, 1.0 - need)), pressure + reach * size * self.type_share

