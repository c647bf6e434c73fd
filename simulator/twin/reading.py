"""A scan of equilibria in words: the sentences ``govsim equilibria --vary`` prints.

:func:`sentences` turns the :class:`~.bifurcations.Findings` of a scan into
plain sentences, one a line, that keep the numbers and say what they mean
for the loop: which branches exist where, where swings set in, where a
branch changes stability, where branches fold and where two stable states
coexist. The text is ASCII (``~`` for "about"), whatever the terminal.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["sentences", "TREND"]

#: A branch's least-damped swing gets a line when its damping ratio moves by this much.
TREND = 0.1


def sentences(findings: Any) -> list[str]:
    """The findings of a scan (a :class:`~.bifurcations.Findings`), one sentence a line."""
    f = findings
    span = f"{f.key} = {f.grid[0]:g}..{f.grid[-1]:g}"
    out = _branches(f, span)
    for e in f.events:
        if e.kind == "stability":
            out.append(_stability(f.key, e))
        elif e.kind == "swings":
            out.append(_swings(f.key, e))
    # a swing whose damping hardly changes over the scan says nothing worth a line
    out += [_trend(f.key, b) for b in f.branches
            if len(b.swing) > 1 and np.ptp([z for _, z, _ in b.swing]) >= TREND]
    out += [_fold(f.key, e) for e in f.of("fold")]
    if f.coexist:
        low, high = f.coexist
        divide = [b.letter for b in f.branches if b.divides]
        out.append(f"two stable states coexist for {f.key} in [{low:.4g}, {high:.4g}] (hysteresis): "
                   "which one the loop ends in depends on where it started"
                   + (f"; the unstable branch {divide[0]} divides their basins" if divide else ""))
    if not f.of("stability"):
        out.append(f"no branch changes stability over {span}")
    return out


def _branches(f, span: str) -> list[str]:
    def kinds(b) -> str:
        words = list(dict.fromkeys(k.split(",")[0] for k in b.kinds))
        return f"{words[0]} throughout" if len(words) == 1 else ", then ".join(words)

    def level(b) -> str:
        low, high = b.shown
        if f.flat:
            return f"{f.show} {low:.4g} throughout (barely moves)"
        return f"{f.show} {low:.3g}-{high:.3g}"

    if len(f.branches) == 1:
        (b,) = f.branches
        return [f"one branch of fixed points over {span}: {kinds(b)}, {level(b)}"]
    out = [f"{len(f.branches)} branches of fixed points over {span}:"]
    for b in f.branches:
        divides = (f" (divides the basins of {b.divides[0]} and {b.divides[1]})"
                   if b.divides else "")
        out.append(f"  {b.letter}: {kinds(b)} for {f.key} {b.low:g}-{b.high:g}, {level(b)}{divides}")
    return out


def _stability(key: str, e) -> str:
    before, after = e.before.split(",")[0], e.after.split(",")[0]
    if after == "unstable":
        why = ("oscillation sets in: each swing outgrows the last, a Hopf bifurcation"
               if "oscillatory" in e.after else "a real eigenvalue crosses zero: the point starts to repel")
    else:
        why = "the point starts to attract"
    return f"{key} = {e.value:.4g} on branch {e.branch}: {before} -> {after} ({why})"


def _swings(key: str, e) -> str:
    low, high = e.between
    stable = e.before.startswith("stable") and e.after.startswith("stable")
    swing = f"period {e.detail['period']:.3g} steps, damping ratio {e.detail['damping_ratio']:.2f}"
    if "oscillatory" in e.after:
        if not stable:
            return (f"on the unstable branch {e.branch} the leading eigenvalue turns complex at "
                    f"{key} ~ {e.value:.3g}: the point repels with swings ({swing} at {high:g})")
        return (f"damped swings set in on branch {e.branch} at {key} ~ {e.value:.3g} (first scanned "
                f"value with them: {high:g}, {swing}): the leading eigenvalue turns complex, so the "
                "loop returns to rest by overshooting, and it stays stable")
    if not stable:
        return (f"on the unstable branch {e.branch} the leading eigenvalue turns real at "
                f"{key} ~ {e.value:.3g}: the point repels without swings")
    return (f"damped swings die out on branch {e.branch} at {key} ~ {e.value:.3g} (last scanned "
            f"value with them: {low:g}, {swing}): the loop returns to rest without overshooting")


def _trend(key: str, b) -> str:
    (v0, z0, p0), (v1, z1, p1) = b.swing[0], b.swing[-1]
    return (f"branch {b.letter}, its least-damped swing: damping ratio {z0:.2f} at {key} = {v0:.4g}, "
            f"{z1:.2f} at {v1:.4g} (near 1 it barely overshoots, at 0 it never dies away); "
            f"period {p0:.3g} -> {p1:.3g} steps")


def _fold(key: str, e) -> str:
    low, high = e.between
    pair = " and ".join(e.branch.split("+"))
    what = "appear together" if e.after == "both" else "meet and vanish"
    return (f"branches {pair} {what} between {key} = {low:g} and {high:g} (a fold: a tipping "
            "point, where a small change moves the loop to another state)")
