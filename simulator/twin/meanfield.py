"""Mean field: the society's expected response to its aggregate state.

The system-dynamics twin (``stocks.py``) carries only aggregate stocks: mean
need, mean trust, the share expressing, the share removed. To close its
loop it needs what the agent society would do *on average* in that state:
what share of agents would express, hold a latent grievance, participate or
be removed. This module computes those expectations without simulating
agents, by averaging the agents' own rules over the distributions the
agents are drawn from. It calls the agents' functions
(``simulator/society/rules.py``) for grievance, the perceived arrest
probability, the removal chance and the chance of participating; the
expression rule itself (:func:`~simulator.society.rules.expresses`) is
integrated in closed form, and ``tests/test_shared_rules.py`` holds
the two together:

* baseline need spread uniformly (``society.need_spread``), plus the
  stationary spread of the need noise;
* initial trust spread uniformly (``society.trust_spread``);
* risk aversion uniform on [0, 1] and the threshold uniform on
  ``threshold +- threshold_spread``: the agent's rule
  ``G - ra * p > threshold`` is integrated over both in closed form;
* patrols within vision Poisson-distributed around their mean (patrols are
  placed and walk at random).

Need and trust deviations use Gauss-Legendre nodes; the Poisson count is
summed term by term. Everything is vectorised over the nodes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from ..society import rules

__all__ = ["Population", "Response"]


@dataclass(frozen=True)
class Response:
    """Expected shares of all agents, given the aggregate state."""

    expression: float   # expressing now (counted before removal, as the recorder does)
    latent: float       # grievance above threshold, free agents
    grievance: float    # mean grievance n (1 - t)
    removal: float      # share of all agents removed this step
    participation: float


def _ramp_integral(x: np.ndarray) -> np.ndarray:
    """Antiderivative of clip(x, 0, 1): 0, x^2/2, then x - 1/2."""
    inside = np.minimum(np.maximum(x, 0.0), 1.0)
    return inside * (0.5 * inside) + np.maximum(x - 1.0, 0.0)


def _uniform_nodes(half: float, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for the mean over a uniform on [-half, half]."""
    if half <= 0 or count <= 1:
        return np.zeros(1), np.ones(1)
    x, w = np.polynomial.legendre.leggauss(count)
    return half * x, w / 2.0


class Population:
    """The agents' heterogeneity, fixed at construction, as quadrature nodes.

    Parameters
    ----------
    values : mapping
        Flat parameter values (``"society.need_spread"`` and so on).
    window_cells : int
        Cells in one agent's vision window (centre included).
    occupancy : float
        Agents per cell (the grid density actually realised).
    nodes : int
        Gauss-Legendre nodes per spread dimension.
    """

    def __init__(self, values, window_cells: int, occupancy: float, nodes: int = 8):
        v = values
        self.window = float(window_cells)
        self.neighbours = max(0.0, occupancy * window_cells - occupancy)  # others in view
        rate = float(v["society.need_rate"])
        # stationary spread of need from its noise: AR(1) with pole 1 - rate
        noise_sd = float(v["society.need_noise"]) / np.sqrt(max(1e-12, 1.0 - (1.0 - rate) ** 2))
        # the uniform spread of baseline need, widened to carry the noise's variance too
        need_half = np.sqrt(float(v["society.need_spread"]) ** 2 + 3.0 * noise_sd ** 2)
        dn, wn = _uniform_nodes(need_half, nodes)
        dt, wt = _uniform_nodes(float(v["society.trust_spread"]), max(2, nodes - 2))
        self.dn = np.repeat(dn, dt.size)
        self.dt = np.tile(dt, dn.size)
        self.weight = np.repeat(wn, dt.size) * np.tile(wt, dn.size)

        spread = float(v["society.threshold_spread"])
        self.theta_low = float(v["society.threshold"]) - spread
        self.theta_width = max(2.0 * spread, 1e-6)
        self.k = float(v["society.arrest_k"])
        self.rounding = v["society.arrest_rounding"]
        self.contagion = float(v["society.contagion"])
        self.removal_rate = float(v["society.removal_rate"]) if v["society.removal_term"] > 0 else 0.0
        self.participation = float(v["society.participation"])
        self.participation_trust = float(v["society.participation_trust"])
        self._counts = np.arange(400, dtype=float)
        self._log_factorial = special.gammaln(self._counts + 1.0)
        self._none = (self._counts == 0).astype(float)

    def grievance(self, need: float, trust: float) -> np.ndarray:
        """Grievance at every node: clipped need times (1 - clipped trust)."""
        n = np.minimum(np.maximum(need + self.dn, 0.0), 1.0)
        t = np.minimum(np.maximum(trust + self.dt, 0.0), 1.0)
        return rules.grievance(n, t)

    def respond(self, need: float, trust: float, expressing: float, free: float,
                patrols: float, eyes: float, incentive: float) -> Response:
        """Expected shares for a society in this aggregate state.

        Parameters
        ----------
        need, trust : float
            Mean need and trust.
        expressing : float
            Share of agents expressing last round (drives contagion).
        free : float
            Share of agents not removed.
        patrols : float
            Mean patrols within one agent's vision.
        eyes : float
            Visible monitoring within vision (the chilling effect).
        incentive : float
            Participation incentive delivered.
        """
        g = self.grievance(need, trust)                       # (nodes,)
        w = self.weight
        # Poisson count of patrols in view, truncated where its tail is negligible
        lam = max(patrols, 0.0)
        top = min(int(lam + 6.0 * math.sqrt(lam) + 3.0), self._log_factorial.size - 1)
        c = self._counts[:top + 1]
        if lam > 0:
            pc = np.exp(c * math.log(lam) - lam - self._log_factorial[:top + 1])
        else:
            pc = self._none[:top + 1]
        ratio = rules.arrest_ratio(c + eyes, expressing * self.neighbours, self.contagion, self.rounding)
        p = 1.0 - rules.escape_chance(ratio, self.k)                # perceived arrest chance
        # P(G - ra p > theta), ra ~ U(0, 1), theta ~ U(low, low + width), in closed form:
        # the mean over ra of the threshold's CDF at G - ra p, i.e. (H(a) - H(a - b)) / b
        a = (g - self.theta_low) / self.theta_width           # (nodes,)
        b = p / self.theta_width                              # (counts,)
        shifted = a[:, None] - b[None, :]
        by_count = (w @ _ramp_integral(a)) - w @ _ramp_integral(shifted)
        safe_b = np.where(b > 1e-12, b, 1.0)
        below = np.minimum(np.maximum(a, 0.0), 1.0)
        by_count = np.where(b > 1e-12, by_count / safe_b, w @ below)   # (counts,)
        expression = free * float(by_count @ pc)
        latent = free * float(w @ below)
        # each patrol in view takes about one of the expressers it sees now
        if self.removal_rate > 0:
            now = 1.0 + expression * self.neighbours
            chance = np.minimum(1.0, rules.removal_chance(c, now, self.removal_rate))
            removal = free * float((by_count * chance) @ pc)
        else:
            removal = 0.0
        t = np.minimum(np.maximum(trust + self.dt, 0.0), 1.0)
        chance = rules.participation_chance(t, self.participation, self.participation_trust, incentive)
        participation = free * float(w @ np.minimum(np.maximum(chance, 0.0), 1.0))
        return Response(expression=expression, latent=latent, grievance=float(w @ g),
                        removal=removal, participation=participation)
