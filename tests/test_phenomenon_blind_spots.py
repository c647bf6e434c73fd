"""Blind spots (DESIGN.md §3.4), shown over 10 seeds.

The loop reads tension from observed expression only; visible monitoring
deters agents who would speak alone (whole observers per expresser, Epstein's
floor rule), so under heavy monitoring grievance stays latent and unseen.

Measured on the 10 seeds below (mean ± sd; 'before' = steps 100-149, the
shock hits at step 150, 'after' = steps 150-199):
light:  observed expression 0.078 ± 0.002, gap 0.000 ± 0.001, latent 0.078,
        largest expression after the shock 0.34 ± 0.02;
heavy:  observed expression 0.058 ± 0.010, gap 0.41 ± 0.03, latent 0.47,
        largest expression after the shock 0.62 ± 0.06 (larger than light's in
        10 of 10 seeds, at least 0.46 above its level before the shock);
heavy with monitor.visibility = 0 (mechanism off): observed 0.079, gap 0.000,
        largest expression after the shock 0.36 ± 0.05, like light (0.021
        above it, within the asserted 0.05; before self-healing repaired
        locally: 0.002).
Measured before the change, medium: observed 0.078 ± 0.009, gap 0.22 ± 0.01,
latent 0.30, after 0.52 ± 0.04.
"""

import numpy as np
import pytest

from simulator import load_scenario
from simulator.experiments.compare import compare_variants

SEEDS = 10
BEFORE = slice(100, 150)  # steps before the shock, after the start-up transient


def measures(frame):
    shock = int(np.flatnonzero(frame["shock"].to_numpy())[0])
    before = frame.iloc[BEFORE]
    after = frame.iloc[shock:shock + 50]
    return {
        "shock": shock,
        "observed": before["observed_expression"].mean(),
        "gap": before["observability_gap"].mean(),
        "latent": before["latent"].mean(),
        "expression_before": before["expression"].mean(),
        "cascade": after["expression"].max(),
    }


def table(comparison):
    return {v: {k: np.array([measures(f)[k] for f in frames]) for k in measures(frames[0])}
            for v, frames in comparison.series.items()}


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("blind_spots")


@pytest.fixture(scope="module")
def runs(scenario):
    return table(compare_variants(scenario, SEEDS, variants=["light", "heavy"], engine="process", workers=2))


@pytest.fixture(scope="module")
def unseen_monitoring(scenario):
    """Mechanism off: the same monitoring, but nobody notices it (no chilling effect)."""
    sc = scenario.with_changes(overrides={"monitor.visibility": 0.0})
    return table(compare_variants(sc, SEEDS, variants=["heavy"], engine="process", workers=2))["heavy"]


def test_the_shock_comes_at_step_150(runs):
    assert (runs["heavy"]["shock"] == 150).all() and (runs["light"]["shock"] == 150).all()


def test_visible_monitoring_lowers_observed_expression_and_widens_the_gap(runs):
    light, heavy = runs["light"], runs["heavy"]
    assert heavy["observed"].mean() < 0.9 * light["observed"].mean()  # measured 0.058 vs 0.078
    assert abs(light["gap"].mean()) < 0.02  # light: what is latent is expressed and seen
    assert heavy["gap"].mean() > light["gap"].mean() + 0.25  # measured 0.41 vs 0.00
    assert (heavy["gap"] > light["gap"] + 0.15).all()  # in every seed
    # the grievance is not gone, it is silent: latent grows while observed falls
    assert heavy["latent"].mean() > 3 * light["latent"].mean()  # measured 0.47 vs 0.08


def test_the_shock_sets_off_a_larger_cascade_under_heavy_monitoring(runs):
    light, heavy = runs["light"], runs["heavy"]
    assert heavy["cascade"].mean() > light["cascade"].mean() + 0.12  # measured 0.62 vs 0.34
    assert (heavy["cascade"] > light["cascade"]).mean() >= 0.9  # paired by seed
    # and it is a cascade: far above what was expressed before
    assert (heavy["cascade"] > heavy["expression_before"] + 0.3).all()


def test_without_the_chilling_effect_heavy_monitoring_hides_nothing(runs, unseen_monitoring):
    """Mechanism off: with visibility 0 the same heavy coverage behaves like light monitoring."""
    light, off = runs["light"], unseen_monitoring
    assert abs(off["gap"].mean()) < 0.02
    assert off["gap"].mean() < light["gap"].mean() + 0.25  # the assertion above now fails
    assert off["cascade"].mean() < light["cascade"].mean() + 0.12
    np.testing.assert_allclose(off["cascade"].mean(), light["cascade"].mean(), atol=0.05)
    np.testing.assert_allclose(off["observed"].mean(), light["observed"].mean(), atol=0.01)
