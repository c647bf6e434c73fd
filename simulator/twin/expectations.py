"""Closed-form expectations under a normal spread, for the twin's mean field.

The twin has no districts, but Monitor clips each district's noisy reading
to [0, 1], Plan answers ``max(0, ...)`` district by district and Analyze
flags the districts above a level. Taking district values as normal around
the mean turns each of these into a smooth function of the mean and the
spread. Written for scalars with ``math``: the twin calls them hundreds of
times per solve, and numpy's per-call cost on a scalar is ten times
``math``'s.
"""

from __future__ import annotations

import math

__all__ = ["ndtr", "positive_mean", "clipped_mean", "logistic"]


def ndtr(z: float) -> float:
    """Standard normal CDF of a scalar."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def positive_mean(mean: float, sd: float) -> float:
    """E[max(0, X)] for X ~ Normal(mean, sd^2)."""
    if sd <= 1e-12:
        return max(mean, 0.0)
    z = mean / sd
    return mean * ndtr(z) + sd * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def clipped_mean(mean: float, sd: float) -> float:
    """E[clip(X, 0, 1)] for X ~ Normal(mean, sd^2): what a clipped noisy sensor reports."""
    return positive_mean(mean, sd) - positive_mean(mean - 1.0, sd)


def logistic(x: float) -> float:
    """A smooth step from 0 to 1, centred on 0."""
    return 0.5 * (1.0 + math.tanh(0.5 * x))
