"""Managing the managers (DESIGN.md §3.10), shown over 10 seeds.

Mean alignment over the second half, measured on the 10 seeds below:
light hand 0.951, medium 0.776, heavy 0.624, heavy hand overseen 0.850 (sd
below 0.005 each). Oversight costs apparatus.oversight_cost x centralisation
of capacity per district per step: 0.045 against 0.010. With
apparatus.drift=0 every agency stays fully aligned.
"""

import numpy as np
import pytest

from simulator import load_scenario
from simulator.experiments.compare import compare_variants
from simulator.loop.contracts import LEVERS

SEEDS = 10


def late(comparison, column):
    start = comparison.scenario.steps // 2
    return {v: np.array([r[column].iloc[start:].mean() for r in runs])
            for v, runs in comparison.series.items()}


@pytest.fixture(scope="module")
def comparison():
    return compare_variants(load_scenario("managing_the_managers"), SEEDS, engine="process", workers=2)


def test_alignment_drifts_further_the_more_coercion_the_agencies_hold(comparison):
    align, constrain = late(comparison, "alignment"), late(comparison, "constrain")
    order = ["light_hand", "medium_hand", "heavy_hand"]
    assert [constrain[v].mean() for v in order] == sorted(constrain[v].mean() for v in order)
    a = [align[v] for v in order]
    assert (a[0] > a[1]).all() and (a[1] > a[2]).all()     # every seed
    assert a[0].mean() - a[2].mean() > 0.2                  # measured 0.33


def test_oversight_restores_alignment_at_a_cost(comparison):
    align = late(comparison, "alignment")
    assert (align["heavy_hand_overseen"] > align["heavy_hand"] + 0.1).all()  # measured +0.23 (+0.22 at least)
    # what the run reports as spent, minus what reached the districts: monitoring and oversight
    spent = late(comparison, "cost")
    levers = {v: sum(late(comparison, lever)[v] for lever in LEVERS) for v in spent}
    overhead = {v: spent[v] - levers[v] for v in spent}
    c = comparison.scenario.config
    expected = c["apparatus.oversight_cost"] * (0.9 - 0.2)
    np.testing.assert_allclose(overhead["heavy_hand_overseen"] - overhead["heavy_hand"], expected,
                               rtol=0.05)


def test_no_drift_no_problem():
    """Mechanism off: with apparatus.drift=0 coercion leaves alignment alone."""
    sc = load_scenario("managing_the_managers").with_changes(overrides={"apparatus.drift": 0.0})
    align = late(compare_variants(sc, 2, variants=["light_hand", "heavy_hand"], engine="process", workers=2), "alignment")
    np.testing.assert_allclose(align["heavy_hand"], 1.0)
    np.testing.assert_allclose(align["light_hand"], 1.0)
