"""Epstein (2002), 'Modeling civil violence', reproduced with the loop off.

Fixed enforcement presence 0.074, citizen density 0.7, vision 7 (von Neumann
diamond, as Mesa's example), threshold 0.1, k = 2.3, random removal terms.

Measured when written (10 seeds): (a) at legitimacy 0.82 the society is quiet
(expression < 1 %) in 91-97 % of steps, broken by 2-6 separate bursts per
run that reach 36-41 % of citizens, median spacing 36-132 steps; with
contagion switched off there are no bursts. (b) A legitimacy fall of 0.1 in
one step gives an outburst of 50-54 % within 50 steps in every seed; the same
fall spread over 200 steps gives no outburst in those 50 steps and, over the
whole run, peaks of 11-42 % (mean 33 %), below the sudden fall's in every seed.
"""

import numpy as np
import pytest

from simulator import load_scenario
from simulator.experiments.compare import compare_variants, replicate_seeds, run_once

SEEDS = 10


def bursts(expression: np.ndarray, high: float = 0.1, low: float = 0.01) -> list[int]:
    """Start steps of separate bursts: rises above ``high`` after a return below ``low``."""
    starts, above = [], False
    for i, x in enumerate(expression):
        if not above and x > high:
            above = True
            starts.append(i)
        elif above and x < low:
            above = False
    return starts


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("epstein_civil_violence")


@pytest.fixture(scope="module")
def base_runs(scenario):
    return [run_once(scenario, s)["expression"].to_numpy()[50:]
            for s in replicate_seeds(scenario, SEEDS)]


def test_punctuated_bursts_separated_by_quiet_spells(base_runs):
    for e in base_runs:
        assert np.mean(e < 0.01) >= 0.85  # mostly quiet
        starts = bursts(e)
        assert len(starts) >= 2  # and yet it erupts, repeatedly
        assert e.max() >= 0.25  # into large outbursts
        assert np.median(np.diff(starts)) >= 20  # separated by long spells


def test_no_bursts_without_contagion(scenario):
    quiet = scenario.with_changes(overrides={"society.contagion": 0.0})
    for seed in replicate_seeds(quiet, 3):
        e = run_once(quiet, seed)["expression"].to_numpy()[50:]
        assert e.max() < 0.05 and not bursts(e)


@pytest.fixture(scope="module")
def falls(scenario):
    c = compare_variants(scenario, SEEDS, variants=["sudden_fall", "gradual_fall"], engine="process", workers=2)
    return {v: [f["expression"].to_numpy() for f in frames] for v, frames in c.series.items()}


def test_sudden_fall_sets_off_a_large_outburst(falls):
    early = np.array([e[100:150].max() for e in falls["sudden_fall"]])
    assert early.min() >= 0.4
    assert np.array([e[:100].max() for e in falls["sudden_fall"]]).max() < 0.05  # quiet before


def test_gradual_fall_of_the_same_size_does_not(falls):
    sudden = np.array([e[100:].max() for e in falls["sudden_fall"]])
    gradual = np.array([e[100:].max() for e in falls["gradual_fall"]])
    assert np.array([e[100:150].max() for e in falls["gradual_fall"]]).max() < 0.05
    assert (gradual < sudden).all()
    assert sudden.mean() - gradual.mean() >= 0.1  # measured 0.20
