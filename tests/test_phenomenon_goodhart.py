"""Goodhart's law (DESIGN.md §3.5), shown over 10 seeds.

Self-optimizing shifts the lever mix towards whichever lever its learned
estimate says lowers its objective more; the variants differ only in the
objective: the loop's tension estimate, or the observed expression alone.

Measured on the 10 seeds below (mean ± sd of per-run means over the last 75
of 300 steps; the same seeds for both variants):
tension:  soft_share 0.94 ± 0.11, observed expression 0.526 ± 0.115,
          latent 0.620 ± 0.085, need 0.342 ± 0.012, trust 0.651 ± 0.034;
observed: soft_share 0.71 ± 0.12, observed expression 0.374 ± 0.097,
          latent 0.808 ± 0.034, need 0.378 ± 0.016, trust 0.567 ± 0.019.
The indicator is lower by 0.153 on average, in 9 of 10 seeds (before
self-healing repaired locally: 0.071, in 7 of 10). Measured before the change,
with other seed sets (scenario seed 100 and 200) the differences were of the
same size as on these seeds then: indicator lower by 0.064 and 0.066, latent
higher by 0.185 and 0.156, trust lower by 0.096 and 0.077. The indicator effect
is of the order of the spread between seeds (single runs of the optimizer
differ a lot); the effect on the true state is large and consistent.
With optimizing.enabled = false (mechanism off) the two variants are
identical runs.
"""

import numpy as np
import pytest

from simulator import load_scenario
from simulator.experiments.compare import compare_variants

from stated import bound, stated  # docs/numbers.toml: the figures the texts state

SEEDS = 10
FRESH = 20
LATE = 75  # the last quarter of the run


def measures(frame):
    late = frame.iloc[-LATE:]
    return {k: late[k].mean() for k in
            ("soft_share", "observed_expression", "latent", "need", "trust")}


def table(comparison):
    return {v: {k: np.array([measures(f)[k] for f in frames]) for k in measures(frames[0])}
            for v, frames in comparison.series.items()}


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("goodhart")


@pytest.fixture(scope="module")
def runs(scenario):
    return table(compare_variants(scenario, SEEDS, engine="process", workers=2))


def test_optimising_the_indicator_moves_the_mix_to_constraint(runs):
    assert runs["observed"]["soft_share"].mean() < runs["tension"]["soft_share"].mean() - 0.1  # 0.71 vs 0.94


def test_a_third_or_more_express_as_the_about_text_says(runs):
    """what_it_is: 'a third or more express' (observed, late: 0.374 and 0.526 on these seeds)."""
    for variant in ("observed", "tension"):
        assert runs[variant]["observed_expression"].mean() > bound("goodhart.expressing")


def test_the_indicator_improves_on_these_seeds(runs):
    proxy, true = runs["observed"], runs["tension"]
    diff = proxy["observed_expression"] - true["observed_expression"]  # paired by seed
    assert diff.mean() < -0.03  # measured -0.153
    assert (diff < 0).mean() >= 0.6


@pytest.fixture(scope="module")
def fresh(scenario):
    """Twenty seeds no test tuned anything on (sweep point 1, as ``govsim robustness`` draws)."""
    return table(compare_variants(scenario, FRESH, engine="process", workers=2, seed_point=1))


def test_on_fresh_seeds_the_true_state_worsens_reliably_and_the_indicator_does_not(fresh):
    """Measured when written (20 fresh seeds): latent higher by 0.172 in 20 of 20, trust lower
    by 0.083 in 19 of 20, the indicator lower by 0.058 ± 0.156 in only 12 of 20 (on 20 more,
    sweep point 2: 20, 20 and 10 of 20). The ten seeds above are a lucky draw for the indicator.
    """
    proxy, true = fresh["observed"], fresh["tension"]
    assert (proxy["latent"] > true["latent"]).sum() >= 18
    assert (proxy["trust"] < true["trust"]).sum() >= 17
    lower = int((proxy["observed_expression"] < true["observed_expression"]).sum())
    assert lower / 20 == stated("goodhart.indicator_lower")  # neither never nor reliably
    assert lower / 20 == stated("teaching.goodhart_indicator_lower")


def test_while_the_true_state_worsens(runs):
    proxy, true = runs["observed"], runs["tension"]
    assert proxy["latent"].mean() > true["latent"].mean() + 0.08  # measured 0.81 vs 0.62
    assert (proxy["latent"] > true["latent"]).mean() >= 0.9  # paired by seed
    assert proxy["trust"].mean() < true["trust"].mean() - 0.04  # measured 0.57 vs 0.65
    assert proxy["need"].mean() > true["need"].mean() + 0.015  # measured 0.38 vs 0.34


def test_without_self_optimizing_the_objective_changes_nothing(scenario):
    """Mechanism off: the objective is only read by self-optimizing."""
    off = scenario.with_changes(overrides={"optimizing.enabled": False})
    r = table(compare_variants(off, 3, engine="process", workers=2))
    for key in ("observed_expression", "latent", "trust", "need"):
        np.testing.assert_array_equal(r["observed"][key], r["tension"][key])
    # so the divergence asserted above cannot appear
    assert not r["observed"]["latent"].mean() > r["tension"]["latent"].mean() + 0.08
