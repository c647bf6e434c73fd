"""Requisite variety (DESIGN.md §3.6), shown over 10 seeds.

The outcome is the residual variance of the essential variable around its
goal: the mean of (need - society.need_base)^2 over the last two thirds of
the run. Measured on the 10 seeds below (mean ± sd): one response type
0.0254 ± 0.0021, two 0.0147 ± 0.0010, three 0.0089 ± 0.0002, four
0.0060 ± 0.0002 against four disturbance types. With every response matching
every type (levers.unmatched_effect=1) one and four response types give the
same residual (all four gave 0.0058, measured before the change).
"""

import itertools

import numpy as np
import pytest

from simulator import load_scenario
from simulator.experiments.compare import compare_variants

SEEDS = 10
VARIANTS = ("one", "two", "three", "four")


def residual(comparison):
    """Per variant, per seed: mean squared distance of need from its baseline."""
    start = comparison.scenario.steps // 3
    goal = comparison.scenario.config["society.need_base"]
    return {v: np.array([((r["need"].iloc[start:] - goal) ** 2).mean() for r in runs])
            for v, runs in comparison.series.items()}


@pytest.fixture(scope="module")
def variance():
    return residual(compare_variants(load_scenario("requisite_variety"), SEEDS, engine="process", workers=2))


def test_residual_variance_falls_as_variety_rises(variance):
    means = [variance[v].mean() for v in VARIANTS]
    assert all(a > 1.2 * b for a, b in itertools.pairwise(means))  # each step at least 20 % lower
    assert means[0] > 3.0 * means[-1]                          # measured 4.3x


def test_seed_by_seed_more_variety_is_better(variance):
    for fewer, more in itertools.pairwise(VARIANTS):
        assert (variance[more] < variance[fewer]).sum() >= 9, (fewer, more)


def test_variety_does_not_matter_when_every_answer_fits_every_problem():
    """Mechanism off: with unmatched responses fully effective, the count is irrelevant."""
    sc = load_scenario("requisite_variety").with_changes(overrides={"levers.unmatched_effect": 1.0})
    v = residual(compare_variants(sc, 3, variants=["one", "four"], engine="process", workers=2))
    np.testing.assert_allclose(v["one"], v["four"], rtol=0.02)
