r"""Foresight: the internal model the predictive Plan forecasts tension with.

One linear model for every district (the coefficients are pooled, so that
sixty-four districts teach it sixty-four times as fast as one)::

    x[s] - x[s-1] = c0 + c1 x[s-1] + b u[s]

``x[s]`` is the tension Analyze estimated for step ``s`` in a district and
``u[s]`` the response (accommodation plus constraint) that was in force
there at that step, as the loop knows it from its own decisions and its own
delays. ``c0 + c1 x`` is how tension drifts by itself (disturbances pile up,
pressure fades), ``b`` what a unit of response does to it: the model has
learned that responding lowers tension when ``b < 0``.

It is fitted online by recursive least squares with forgetting: the normal
equations are multiplied by ``forgetting`` every step before the new
evidence is added, so that old evidence fades and the model can follow a
society that changes (with ``forgetting = 1`` it never forgets).

A forecast is linear in a candidate response ``v`` held constant from the
step it first takes effect: ``x_k = a_k + g_k v``. So the response that
minimises ``sum_k (x_k - setpoint)^2 + (rho v)^2 sum_k w_k`` (``w_k`` the
share of ``v`` in force at step ``k``, ``rho`` the tension one unit of
response per step is judged as bad as) is the bottom of a parabola::

    v* = -sum_k g_k (a_k - setpoint) / (sum_k g_k^2 + rho^2 sum_k w_k)

cut to ``[0, cap]`` (:func:`best_response`). Tension below the set-point
counts too: the loop cannot raise tension, so being below it means that it
spent for nothing, and counting it keeps the loop from overshooting.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Foresight", "forecast", "best_response"]

#: How many standard errors below zero the estimated effect must be before it is trusted.
CONFIDENCE = 2.0
#: A tiny prior on every coefficient, so that the normal equations can always be solved.
RIDGE = 1e-6


class Foresight:
    """The pooled model of tension, learned by recursive least squares with forgetting.

    Tension is measured with noise, and noise in the tension a change starts
    from looks like tension that corrects itself (it would bias ``c1``
    towards -1 and make the loop believe its problems fade by themselves).
    So the equations use the tension one step earlier still as the
    *instrument* for it (instrumental-variable least squares): it goes with
    the tension the change starts from, but not with that step's noise.

    Parameters
    ----------
    forgetting : float
        Share of its past evidence the model keeps each step, in (0, 1].
    """

    def __init__(self, forgetting: float):
        self.forgetting = forgetting
        # the equations  Z'X beta = Z'y  of  change ~ c0 + c1 x + b u,  X = (1, x, u) and the
        # instruments Z = (1, x one step earlier, u); the other sums give the effect's error
        self._zx = np.eye(3) * RIDGE
        self._zy = np.zeros(3)
        self._zz = np.zeros((3, 3))
        self._xx = np.zeros((3, 3))
        self._xy = np.zeros(3)
        self._yy = 0.0
        self._samples = 0.0  # evidence, counted in district-steps, faded as the equations are

    def learn(self, earlier: np.ndarray, previous: np.ndarray, tension: np.ndarray,
              response: np.ndarray) -> None:
        """Add one step of evidence per district: tension two steps back, one step back and now,
        and the response in force now."""
        change = tension - previous
        one = np.ones_like(change)
        x = np.column_stack((one, previous, response))
        z = np.column_stack((one, earlier, response))
        f = self.forgetting
        self._zx = f * self._zx + z.T @ x
        self._zy = f * self._zy + z.T @ change
        self._zz = f * self._zz + z.T @ z
        self._xx = f * self._xx + x.T @ x
        self._xy = f * self._xy + x.T @ change
        self._yy = f * self._yy + float(change @ change)
        self._samples = f * self._samples + change.size

    def coefficients(self) -> tuple[float, float, float]:
        """The estimated ``(c0, c1, b)``."""
        c0, c1, b = np.linalg.solve(self._zx, self._zy)
        return float(c0), float(c1), float(b)

    def effect_error(self, beta: tuple[float, float, float] | None = None) -> float:
        """Standard error of the estimated effect ``b`` (infinite without evidence); ``beta``:
        the coefficients, if the caller has them already."""
        dof = self._samples - 3.0
        if dof <= 0:
            return float("inf")
        coef = np.asarray(self.coefficients() if beta is None else beta)
        # the residuals' sum of squares, y'y - 2 beta'X'y + beta'X'X beta, over the evidence
        residual = max(self._yy - 2.0 * float(coef @ self._xy) + float(coef @ self._xx @ coef), 0.0) / dof
        inverse = np.linalg.inv(self._zx)
        covariance = residual * inverse @ self._zz @ inverse.T
        return float(np.sqrt(max(covariance[2, 2], 0.0)))

    def confident(self, beta: tuple[float, float, float] | None = None) -> bool:
        """Whether the evidence says that responding lowers tension (``b`` below zero by
        :data:`CONFIDENCE` standard errors); ``beta`` as in :meth:`effect_error`."""
        beta = self.coefficients() if beta is None else beta
        return beta[2] + CONFIDENCE * self.effect_error(beta) < 0.0


def forecast(model: tuple[float, float, float], tension: np.ndarray, known: np.ndarray,
             share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forecast tension over ``len(share)`` steps, linear in a candidate response.

    Parameters
    ----------
    model : (c0, c1, b)
        The coefficients (:meth:`Foresight.coefficients`).
    tension : numpy.ndarray
        Each district's latest tension, shape ``(districts,)``.
    known : numpy.ndarray
        Response in force at each coming step from decisions already made,
        shape ``(steps, districts)``.
    share : numpy.ndarray
        Share of the candidate response in force at each coming step, shape ``(steps,)``.

    Returns
    -------
    base : numpy.ndarray
        Forecast tension with no candidate response, shape ``(steps, districts)``.
    gain : numpy.ndarray
        How much a unit of candidate response adds at each step, shape ``(steps,)``
        (the same in every district: the coefficients are pooled).
    """
    c0, c1, b = model
    phi = 1.0 + c1
    base = np.empty_like(known, dtype=float)
    gain = np.empty(share.size)
    x, g = tension, 0.0
    for k in range(share.size):  # over the horizon; every district at once
        x = phi * x + c0 + b * known[k]
        g = phi * g + b * share[k]
        base[k], gain[k] = x, g
    return base, gain


def best_response(base: np.ndarray, gain: np.ndarray, share: np.ndarray, setpoint: float,
                  cost: float, cap: float) -> np.ndarray:
    """The constant response per district that minimises the forecast's squared distance from
    ``setpoint`` plus ``(cost v)^2`` per step in force, cut to ``[0, cap]`` (module docstring)."""
    curvature = float(gain @ gain) + cost ** 2 * float(share.sum())
    if curvature <= 0.0:  # the candidate changes nothing and costs nothing: do nothing
        return np.zeros(base.shape[1])
    slope = gain @ (base - setpoint)
    return np.clip(-slope / curvature, 0.0, cap)
