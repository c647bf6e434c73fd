"""A slow drift of the centre's doctrine: the lever mix moves a little every step.

The road to a tipping point (DESIGN.md §3.12): nobody decides to abandon
accommodation, the mix just slides toward constraint, step by step, until
the quiet state the loop held no longer exists. The drift is outside the
loop: it is not a decision of Plan or of self-optimizing but a change of
the settings they work with, as a slowly changing parameter is in Scheffer
et al. (2009).

One rule, read by the agent model (:class:`~simulator.model.GovernanceModel`
sets Knowledge's lever mix from it every step while it drifts) and by the
twin (its Plan reads the same mix at time ``t``).
"""

from __future__ import annotations

__all__ = ["lever_mix", "drift_ends", "drifting"]


def drifting(per_step: float, initial: float, to: float) -> bool:
    """Whether there is any drift to follow."""
    return per_step > 0 and to != initial


def lever_mix(step: float, initial: float, to: float, per_step: float, start: float) -> float:
    """The lever mix at ``step``: ``initial`` until ``start``, then ``per_step`` closer
    to ``to`` every step, and ``to`` once reached."""
    moved = per_step * max(0.0, step - start)
    return max(to, initial - moved) if to < initial else min(to, initial + moved)


def drift_ends(initial: float, to: float, per_step: float, start: float) -> float | None:
    """The step at which the drift reaches ``to`` (None: no drift)."""
    if not drifting(per_step, initial, to):
        return None
    return start + abs(initial - to) / per_step
