"""Blind spots (DESIGN.md §3.4), shown over 10 seeds.

The loop reads tension from observed expression only; visible monitoring
deters agents from speaking (the monitor's eyes count like patrols in the
perceived risk), so under heavy monitoring grievance stays latent and unseen.
Deterrence is smooth, as in Epstein's own rule (society.arrest_rounding =
"none"); the claims must also hold when people count whole observers per
speaker (NetLogo's "floor" rule), and along monitor.visibility from 0.25 to
0.75 (``govsim robustness blind_spots --band 9``).

Measured on the 10 seeds below ('before' = steps 100-149, the shock hits at
step 150, 'after' = steps 150-199), heavy minus light, mean ± sd:
smooth: observed expression -0.014 ± 0.002, gap +0.247 ± 0.015 (least
        +0.22), trust -0.056 ± 0.002, cost after the shock -0.026 ± 0.010
        (lower in 10 of 10); the shock's largest expression 0.41 light
        against 0.09 heavy: the shock barely shows under heavy monitoring.
floor:  observed -0.020 ± 0.011 (9 of 10), gap +0.41, trust -0.089,
        cost after -0.028 (10 of 10); the shock's largest expression 0.62
        heavy against 0.34 light (a cascade) at visibility 0.5, but heavy
        0.23 against 0.38 at visibility 0.6 and 0.09 against 0.38 at 0.7:
        a cascade only inside the plateau of the floor rule, 0.3-0.55.
Fresh seeds (6 each) under half and twice the agents, 6 x 6 districts, runs
1.5 times longer and visibility ±20 %: every claim holds in 6 of 6.
"""

import numpy as np
import pytest

from simulator import load_scenario
from simulator.experiments.compare import compare_variants
from simulator.experiments.robustness import judge

SEEDS = 10
BEFORE, AFTER = slice(100, 150), slice(150, 200)  # the shock hits at step 150
FLOOR = {"society.arrest_rounding": "floor"}


def measures(frame):
    before, after = frame.iloc[BEFORE], frame.iloc[AFTER]
    return {
        "shock": int(np.flatnonzero(frame["shock"].to_numpy())[0]),
        "observed": before["observed_expression"].mean(),
        "gap": before["observability_gap"].mean(),
        "latent": before["latent"].mean(),
        "trust": before["trust"].mean(),
        "need": before["need"].mean(),
        "cost_after": after["cost"].mean(),
        "peak_after": after["expression"].max(),
        "seen_rise": after["observed_expression"].max() - before["observed_expression"].mean(),
    }


def table(comparison):
    return {v: {k: np.array([measures(f)[k] for f in frames]) for k in measures(frames[0])}
            for v, frames in comparison.series.items()}


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("blind_spots")


def compared(scenario, overrides=None):
    sc = scenario.with_changes(overrides=overrides or {})
    return compare_variants(sc, SEEDS, variants=["light", "heavy"], engine="process", workers=2)


@pytest.fixture(scope="module")
def smooth(scenario):
    return compared(scenario)


@pytest.fixture(scope="module")
def floor(scenario):
    return compared(scenario, FLOOR)


@pytest.fixture(scope="module")
def runs(smooth):
    return table(smooth)


def test_the_shock_comes_at_step_150(runs):
    assert (runs["heavy"]["shock"] == 150).all() and (runs["light"]["shock"] == 150).all()


def test_visible_monitoring_lowers_observed_expression_and_widens_the_gap(runs):
    light, heavy = runs["light"], runs["heavy"]
    assert heavy["observed"].mean() < light["observed"].mean() - 0.007  # measured 0.014 lower
    assert (heavy["gap"] > light["gap"] + 0.15).all()  # measured +0.247, at least +0.22
    # the grievance is not gone, it is silent: more latent, less seen
    assert heavy["latent"].mean() > light["latent"].mean() + 0.15  # measured 0.61 vs 0.38


def test_the_calm_is_not_calm(runs):
    """Heavy monitoring looks calmer, yet trust is lower and need higher in every seed."""
    light, heavy = runs["light"], runs["heavy"]
    assert (heavy["trust"] < light["trust"] - 0.03).all()  # measured 0.056 lower
    assert (heavy["need"] > light["need"]).all()  # measured 0.039 higher (6 seeds)


def test_the_shock_lands_in_the_blind_spot(runs):
    """What the monitor sees of the shock is small; the loop answers it with less."""
    light, heavy = runs["light"], runs["heavy"]
    assert heavy["seen_rise"].mean() < 0.5 * light["seen_rise"].mean()
    assert (heavy["cost_after"] < light["cost_after"]).sum() >= 9  # measured 10 of 10
    assert light["cost_after"].mean() - heavy["cost_after"].mean() > 0.013  # measured 0.026


def test_the_claims_hold_with_smooth_and_with_whole_observer_deterrence(scenario, smooth, floor):
    for comparison in (smooth, floor):
        for claim in scenario.phenomenon.claims:
            verdict = judge(claim, comparison)
            assert verdict.holds, (claim.says, verdict.figures())


def test_the_cascade_is_a_knife_edge_of_the_floor_rule(scenario, runs, floor):
    """A larger cascade under heavy monitoring needs counted observers and visibility near 0.5.

    With the floor rule the heavy monitor's 3.6 eyes make exactly three co-speakers "safe" for
    any visibility from 0.45 to 0.55; the shock then sets off a cascade. Smooth deterrence, or
    visibility 0.65, and heavy monitoring holds the shock down instead.
    """
    cascade = table(floor)
    assert cascade["heavy"]["peak_after"].mean() > cascade["light"]["peak_after"].mean() + 0.15
    assert runs["heavy"]["peak_after"].mean() < runs["light"]["peak_after"].mean() - 0.15
    wider = table(compared(scenario, {**FLOOR, "monitor.visibility": 0.65}))
    assert wider["heavy"]["peak_after"].mean() < wider["light"]["peak_after"].mean()


def test_without_the_chilling_effect_heavy_monitoring_hides_nothing(scenario, runs):
    """Mechanism off: with visibility 0 nobody is deterred, and nothing is hidden."""
    sc = scenario.with_changes(overrides={"monitor.visibility": 0.0})
    off = table(compare_variants(sc, SEEDS, variants=["heavy"], engine="process", workers=2))["heavy"]
    assert abs(off["gap"].mean()) < 0.02
    assert off["observed"].mean() > runs["heavy"]["observed"].mean() + 0.01
    assert off["trust"].mean() > runs["heavy"]["trust"].mean() + 0.03
