r"""The society's update rules, each written once as a plain function.

The agent society (``agents.py``) applies them to numpy arrays, one entry
per agent or per district; the system-dynamics twin (``twin/``) applies
the same functions to plain floats (its mean stocks) or to its quadrature
nodes. So a change to a rule here changes both, and the twin cannot drift
from the agents. Written with arithmetic operators only (no ``min``/``max``
unless a caller needs it), so that a float stays a float: the twin calls
them hundreds of times per solve. A per-agent rule takes an optional
``out``: a work array of the agents that its first operation writes into
and the others update in place (a million agents make a new array per
operation cost a tenth of a step); a float just passes through. Each keeps
the order of operations of the agents' former in-place code, so the
agents' numbers are bit for bit the same.

``d`` is the agent's district, ``acc``/``con`` the delivered accommodation
and constraint, mobilisation counting as both (:func:`levers_felt`):

* pressure ``P[d,j] <- (P[d,j] + arrivals) (1 - decay) exp(-relief)``,
  relief ``= a acc[d] m_j`` (:func:`relief_rate`), where ``m_j`` is 1 for a
  type with a matching response, else ``levers.unmatched_effect``; a shock
  also adds its size to the need of every agent in a district it hits;
* need ``n <- n + rate (base + sum_j P[d,j] - n) + noise`` (:func:`need_pull`);
* trust ``t <- t + ta acc (1 - t) - (tc con + tn n + tr removed[d]) t``
  (:func:`trust_rates`, :func:`trust_change`), then ``+ rec (t0 - t)``
  (:func:`trust_recovery`);
* grievance ``G = n (1 - t)`` (hardship times illegitimacy, Epstein 2002;
  :func:`grievance`);
* perceived arrest probability ``p = 1 - exp(-k (C + eyes) / (1 + c A))``
  with ``C`` patrols (a density of standing enforcement, which a scheduled
  cut may lower, :func:`standing_enforcement`, plus ``levers.presence`` per
  unit of constraint, :func:`patrol_density`) and
  ``A`` other expressers within vision, ``eyes`` the visible monitoring
  (:func:`arrest_ratio`, :func:`escape_chance`);
* expresses when free and ``G - ra p > threshold`` (:func:`expresses`);
  latent when ``G > threshold``;
* an expresser is removed with probability ``min(1, removal_rate C / A_now)``,
  ``A_now`` the expressers within vision this step, itself included
  (:func:`removal_chance`), for a term drawn uniformly from
  ``1..removal_term`` steps (:func:`removal_terms`, mean
  :func:`mean_removal_term`): a random draw from local enforcement
  presence, set per district; nothing selects a particular agent;
* participates with probability ``participation + pt (t - 1/2) + incentive``
  (:func:`participation_chance`).
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

__all__ = ["levers_felt", "relief_rate", "need_pull", "trust_rates", "trust_change", "trust_recovery",
           "grievance", "patrol_density", "arrest_ratio", "escape_chance", "expresses",
           "removal_chance", "removal_terms", "mean_removal_term", "participation_chance",
           "scheduled_shock", "legitimacy_fall", "standing_enforcement", "accommodation_effect"]

X = TypeVar("X", float, np.ndarray)


def _itself(x: Any) -> Any:
    return x


def _minus(a: Any, b: Any, out: np.ndarray | None) -> Any:
    """``a - b``, into ``out`` if given."""
    return a - b if out is None else np.subtract(a, b, out=out)


def _times(a: Any, b: Any, out: np.ndarray | None) -> Any:
    """``a * b``, into ``out`` if given (times 1 in place: nothing to do)."""
    if out is None:
        return a * b
    if a is out and not isinstance(b, np.ndarray) and b == 1.0:
        return out
    return np.multiply(a, b, out=out)


def levers_felt(accommodate: X, constrain: X, mobilise: X, mobilise_effect: float) -> tuple[X, X]:
    """Accommodation and constraint the society feels: mobilisation counts as both."""
    mob = mobilise_effect * mobilise
    return accommodate + mob, constrain + mob


def relief_rate(accommodation: Any, match: Any, effect: float) -> Any:
    """Rate at which accommodation resolves pressure of a type with ``match``."""
    return effect * (accommodation * match)


def need_pull(need: X, base: Any, pressure: Any, rate: float, out: np.ndarray | None = None) -> X:
    """Change of need in one step, before noise: towards baseline plus pressure."""
    pull = _minus(base, need, out)
    pull += pressure
    pull *= rate
    return pull


def trust_rates(accommodation: X, constraint: X, removed: X, from_accommodation: float,
                from_constraint: float, from_removal: float) -> tuple[X, X]:
    """Per district: the rate at which the levers build trust, and the rate at
    which constraint and removals erode it."""
    gain = from_accommodation * accommodation
    loss = from_constraint * constraint + from_removal * removed
    return gain, loss


def trust_change(trust: X, need: X, gain: Any, loss: Any, from_need: float, spread=_itself,
                 out: np.ndarray | None = None) -> X:
    """Change of trust in one step from the levers and unmet need.

    ``gain (1 - t) - (loss + tn n) t``, written ``gain - (tn n + gain + loss) t``.
    ``gain`` and ``loss`` are district rates (:func:`trust_rates`);
    ``spread`` carries a district value to each agent (the twin has no
    districts: it passes nothing).
    """
    change = _times(need, from_need, out)
    change += spread(gain + loss)
    change *= trust
    return _minus(spread(gain), change, out)


def trust_recovery(trust: X, anchor: Any, rate: float, out: np.ndarray | None = None) -> X:
    """Change of trust in one step back towards its anchor (the initial trust)."""
    back = _minus(anchor, trust, out)
    back *= rate
    return back


def grievance(need: X, trust: X, out: np.ndarray | None = None) -> X:
    """Hardship times illegitimacy: ``n (1 - t)``."""
    g = _minus(1.0, trust, out)
    g *= need
    return g


def patrol_density(constraint: X, enforcement: float, presence: float) -> X:
    """Share of cells patrolled: standing enforcement plus presence per unit of constraint."""
    return enforcement + presence * constraint


def arrest_ratio(watched: Any, others: Any, contagion: float, rounding: str,
                 out: np.ndarray | None = None) -> Any:
    """Patrols and visible monitoring per expresser in view, as an agent judges it.

    ``(C + eyes) / (1 + c A)``, ``A`` the other expressers within vision.
    ``rounding`` ``"round"`` or ``"floor"`` counts whole patrols per expresser
    (outnumbered patrols then deter nobody).
    """
    crowd = _times(others, contagion, out)
    crowd += 1.0
    ratio = watched / crowd if out is None else np.divide(watched, crowd, out=out)
    if rounding == "round":
        return np.rint(ratio, out=out)
    if rounding == "floor":
        return np.floor(ratio, out=out)
    return ratio


def escape_chance(ratio: Any, k: float, out: np.ndarray | None = None) -> Any:
    """One minus the perceived arrest probability: ``exp(-k ratio)``."""
    return np.exp(_times(ratio, -k, out), out=out)


def expresses(grievance: Any, risk_aversion: Any, escape: Any, threshold: Any,
              out: np.ndarray | None = None) -> Any:
    """Epstein's rule: expresses when ``G - ra p > threshold``, ``p = 1 - escape``.

    The twin cannot draw agents; it integrates this rule over the uniform risk
    aversion and threshold in closed form (``twin/meanfield.py``), and a test
    holds the two together.
    """
    net = _times(escape, risk_aversion, out)
    net += grievance
    net -= risk_aversion
    return net > threshold


def removal_chance(patrols: Any, expressers: Any, rate: float) -> Any:
    """Chance that an expresser is removed: each patrol in view takes about one
    of the ``expressers`` it sees now (itself included)."""
    return rate * patrols / np.maximum(expressers, 1)


def removal_terms(rng: np.random.Generator, count: int, longest: int) -> np.ndarray:
    """Steps each of ``count`` removed agents stays removed: uniform on 1..longest."""
    return rng.integers(1, longest + 1, size=count)


def mean_removal_term(longest: int) -> float:
    """Mean of :func:`removal_terms`."""
    return (longest + 1) / 2.0


def participation_chance(trust: X, base: float, from_trust: float, incentive: Any,
                         out: np.ndarray | None = None) -> X:
    """Chance of using the loop's services: ``base + pt (t - 1/2) + incentive``."""
    chance = _times(trust, from_trust, out)
    chance += base - 0.5 * from_trust
    chance += incentive
    return chance


def scheduled_shock(step: float, at: float, every: float) -> bool:
    """Whether a scheduled shock hits at ``step`` (at ``at``, then every ``every``)."""
    if at < 0 or step < at:
        return False
    return step == at or (every > 0 and (step - at) % every == 0)


def legitimacy_fall(step: float, drop: float, at: float, duration: float) -> float:
    """Fall of everyone's trust at ``step``: ``drop`` spread over ``duration`` steps."""
    if drop <= 0 or at < 0 or not at <= step < at + duration:
        return 0.0
    return drop / duration


def standing_enforcement(step: float, base: float, drop: float, at: float, duration: float) -> float:
    """Standing enforcement presence at ``step``: ``base`` less a scheduled cut.

    The cut of ``drop`` (a share of cells) is spread evenly over ``duration``
    steps from ``at``, as :func:`legitimacy_fall`: at step ``at`` the first
    ``drop / duration`` is gone, at ``at + duration - 1`` all of it. Between
    whole steps (the twin) the presence falls linearly from ``at - 1``. Never
    below 0; ``drop <= 0`` or ``at < 0``: no cut.
    """
    if drop <= 0 or at < 0 or step <= at - 1:
        return base
    done = min(1.0, (step - at + 1) / duration)
    return max(0.0, base - drop * done)


def accommodation_effect(step: float, base: float, drop: float, at: float, duration: float) -> float:
    """Accommodation's effect at ``step``: ``base`` less a scheduled loss of a share ``drop`` of it.

    The loss is spread as :func:`standing_enforcement`'s cut: from step ``at``
    over ``duration`` steps (between whole steps, the twin, linearly from
    ``at - 1``). ``drop <= 0`` or ``at < 0``: no loss. Nobody tells the loop.
    """
    if drop <= 0 or at < 0 or step <= at - 1:
        return base
    return base * (1.0 - drop * min(1.0, (step - at + 1) / duration))
