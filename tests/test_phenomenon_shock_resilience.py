"""Resilience to shocks (DESIGN.md §3.7), shown over 10 seeds.

Three shocks (steps 60, 140, 220). Measured on the 10 seeds below: runs that
collapse, protected 2 of 10 and unprotected 10 of 10; highest expression after
the first shock 0.29 ± 0.11 and 0.47 ± 0.02 (before self-healing repaired
locally: 0 of 10 protected runs collapsed, peaks 0.23 ± 0.06 and 0.45 ± 0.04).
With protecting.reserve=0 the switch changes nothing.
"""

import numpy as np
import pytest

from simulator import load_scenario
from simulator.experiments.compare import compare_variants

SEEDS = 10


def outcomes(comparison):
    first = comparison.scenario.config["shock.at_step"]
    return {v: {"collapsed": np.array([r["collapsed"].any() for r in runs]),
                "peak": np.array([r["expression"].iloc[first:].max() for r in runs]),
                "mobilised": np.array([r["mobilise"].max() for r in runs])}
            for v, runs in comparison.series.items()}


@pytest.fixture(scope="module")
def runs():
    return outcomes(compare_variants(load_scenario("shock_resilience"), SEEDS, engine="process", workers=2))


def test_self_protection_lowers_the_peak_seed_by_seed(runs):
    """The robust effect: a lower peak, in (nearly) every seed.

    Collapses (crossings of the 40 % line: protected 2 of 10, unprotected 10 of 10 here) depend
    on the shock's size and the population: at half the agents issue 14 measured 3 against 11 of
    20, at shock size -20 % 0 against 1. They are left to the band
    (`govsim robustness shock_resilience --band 9`), not asserted.
    """
    protected, unprotected = runs["protected"]["peak"], runs["unprotected"]["peak"]
    assert (protected < unprotected).sum() >= 8  # measured 9 of 10
    assert unprotected.mean() - protected.mean() > 0.08  # measured 0.18


def test_the_reserve_is_what_absorbs_the_shock(runs):
    assert (runs["protected"]["mobilised"] > 0.2).all()
    assert (runs["unprotected"]["mobilised"] == 0).all()


def test_no_reserve_no_resilience():
    """Mechanism off: with an empty reserve the switch makes no difference."""
    sc = load_scenario("shock_resilience").with_changes(overrides={"protecting.reserve": 0.0})
    o = outcomes(compare_variants(sc, 4, engine="process", workers=2))
    np.testing.assert_array_equal(o["protected"]["collapsed"], o["unprotected"]["collapsed"])
    np.testing.assert_allclose(o["protected"]["peak"], o["unprotected"]["peak"], atol=0.02)
