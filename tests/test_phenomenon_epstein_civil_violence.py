"""Epstein (2002), 'Modeling civil violence', reproduced with the loop off.

Fixed enforcement presence 0.074 (7 patrols in each district of 100 cells),
citizen density 0.7, vision 7 (von Neumann diamond, as Mesa's example),
threshold 0.1, k = 2.3, random removal terms.

Measured when written (20 seeds unless said; the tests run the first 10):
(a) at legitimacy 0.82 the society is quiet (expression < 1 %) in 91-97 %
of steps, broken by 2-6 separate bursts per run that reach 35-44 % of
citizens, median spacing 24-197 steps; with contagion switched off there
are no bursts.
(b) Cop cuts (cop_cuts, 7 patrols a district down to 1, one fewer about
every 47 steps; 7 is 0.074 of 100 cells rounded). Mean expression per number
of patrols left, 7 to 1: 0.012, 0.028, 0.057, 0.059, 0.067, 0.087, 0.219
(the base: 0.009-0.017 in the same steps); bursts per 100 steps 1.1, 2.2,
6.0, 7.1, 1.9, 0.2, 0.1 (base 0.9-1.5); share of steps above 10 % at 5 and
4 patrols 0.22 and 0.21 against the base's 0.06 and 0.05 (more in 20 of 20
seeds, by 0.16 on average); peaks 0.36, 0.24, 0.15, 0.11, 0.26 from 5
patrols on (base bursts 0.38): the bursts grow more frequent, not larger,
then merge into steady unrest. The last cut, 2 to 1 patrols, raises mean
expression by 0.13, the five before it together by 0.075 (the difference
0.063, 0.043-0.093, in 20 of 20 seeds). At 2 patrols expression never falls
below 0.035-0.085, above 1 % in every step (the base in 0-11 % of them); at
1 the mean is 0.17-0.25 above the base's.
The same ordering without a schedule (society.enforcement 0.074, 0.06, 0.05,
0.04, 0.03, 0.02, 0.01, 0, steps 50-400): 0.013, 0.033, 0.049, 0.056,
0.063, 0.085, 0.239, 0.445.
(c) A cut of 0.03 at step 100 in one step: above 30 % within 5 steps in 16
of 20 seeds (the other 4 had had a burst in the 12 steps before); the same
cut over 200 steps: 3 of 20 within 10 steps, as the base (the two are the
same runs until the first patrol goes, at step 159). Highest within 10
steps, sudden minus gradual: 0.31 (0.04-0.46), positive in 20 of 20. The
gradual cut erupts later (first above 30 % at step 144 on median, 103-209),
not smaller (peaks 0.35-0.46 against 0.22-0.46).
(d) Legitimacy, from 0.89 with terms up to 300: a fall of 0.1 in one step
gives an outburst above 30 % within 50 steps in 19 of 20 seeds (10 of 10),
peaks 0.44-0.56. The same fall spread over 200 steps: no outburst in those
50 steps, over the whole run peaks 0.00-0.49 (mean 0.31), below the sudden
fall's in every seed. A fall of 0.3 in increments of 0.001 a step: highest
0.25 while it falls its first 0.1 (steps 100-200; the jump minus it: 0.48,
0.21-0.56), first above 30 % after a fall of 0.10-0.27 (median 0.16; 10
seeds 0.17), yet above 30 % before the end in 20 of 20 (peaks 0.34-0.66,
mean 0.53; the jump's 0.51). With 7 whole patrols in each district of 100
cells the base has 0.07, not 0.074: with one district (118 patrols, 0.074)
the increments stay below 30 % in 6 of 10 seeds, with 6 x 6 districts
(0.0775) in 10 of 10 (the jump erupts in 10 and 7 of 10).
At the base's 0.82 and terms of 30, no fall passes quietly: increments of
0.2 or 0.3 over 200-300 steps erupt within 50 steps in 15 of 20 seeds, the
base without a fall in 12; from 0.89 with terms of 30, increments of 0.2 or
0.3 over 300 steps first erupt after a fall of 0.05-0.13 (median 0.08-0.09),
less than the jump.
"""

import numpy as np
import pytest

from simulator import load_scenario
from simulator.experiments.compare import compare_each, compare_variants, replicate_seeds, run_once
from simulator.experiments.robustness import judge

from stated import stated  # docs/numbers.toml: the figures the texts state

SEEDS = 10
VARIANTS = ["base", "sudden_fall", "gradual_fall", "incremental_fall", "cop_cuts",
            "cop_cut_sudden", "cop_cut_gradual"]
#: cop_cuts: the steps with 7, 5, 4, 2 and 1 patrols a district (whole patrols of 100 cells)
SEVEN, FIVE_AND_FOUR, TWO, ONE = slice(50, 92), slice(139, 232), slice(279, 326), slice(330, 400)


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
def comparison(scenario):
    return compare_variants(scenario, SEEDS, variants=VARIANTS, engine="process", workers=2)


@pytest.fixture(scope="module")
def runs(comparison):
    """Expression, one row per seed, for each variant."""
    return {v: np.array([f["expression"].to_numpy() for f in frames])
            for v, frames in comparison.series.items()}


def test_punctuated_bursts_separated_by_quiet_spells(runs):
    for e in runs["base"][:, 50:]:
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


#: things_to_try: 0.02 gives 8.5 %, 0.01 gives 24 %, 0 gives 45 % (20 seeds, steps 50-400).
FEWER_COPS = {0.02: "epstein.expression_at_cops_002", 0.01: "epstein.expression_at_cops_001",
              0.0: "epstein.expression_without_cops"}


@pytest.fixture(scope="module")
def fewer_cops(scenario):
    """Mean expression after step 50 at each cop density, 3 seeds each, all in one pool."""
    compared = compare_each({e: (scenario.with_changes(overrides={"society.enforcement": e}), None)
                             for e in FEWER_COPS}, 3, variants=["base"], engine="process", workers=2)
    return {e: np.mean([f["expression"].to_numpy()[50:].mean() for f in c.series["base"]])
            for e, c in compared.items()}


@pytest.mark.parametrize("enforcement", list(FEWER_COPS))
def test_fewer_cops_more_unrest_as_the_about_text_says(fewer_cops, enforcement):
    assert fewer_cops[enforcement] == stated(FEWER_COPS[enforcement])


def test_sudden_fall_sets_off_a_large_outburst(runs):
    sudden = runs["sudden_fall"]
    assert sudden[:, 100:150].max(axis=1).min() >= 0.4  # measured 0.46-0.56
    assert sudden[:, :100].max() < 0.05  # quiet before


def test_gradual_fall_of_the_same_size_does_not(runs):
    sudden = runs["sudden_fall"][:, 100:].max(axis=1)
    gradual = runs["gradual_fall"][:, 100:].max(axis=1)
    assert runs["gradual_fall"][:, 100:150].max() < 0.05
    assert (gradual < sudden).all()
    assert sudden.mean() - gradual.mean() >= 0.1  # measured 0.23


def share_above(runs: np.ndarray, window: slice, level: float) -> np.ndarray:
    """Per seed, the share of the window's steps with expression above ``level``."""
    return (runs[:, window] > level).mean(axis=1)


def fallen_at_first_outburst(expression: np.ndarray, per_step: float, start: int = 100) -> float:
    """How far legitimacy has fallen when expression first passes 0.3 (nan if never)."""
    above = np.flatnonzero(expression[start:] > 0.3)
    return per_step * (above[0] + 1) if above.size else np.nan


def test_a_larger_fall_in_increments_gets_further_than_a_jump_before_it_erupts(runs):
    """Epstein's incremental reduction: 0.3 in steps of 0.001 against 0.1 at once."""
    jump, steps = runs["sudden_fall"], runs["incremental_fall"]
    first_tenth = steps[:, 100:200].max(axis=1)  # by step 199 the increments have fallen 0.1
    assert (first_tenth < 0.3).all()  # measured at most 0.25
    assert (jump[:, 100:200].max(axis=1) - first_tenth).mean() >= 0.24  # measured 0.49
    fallen = np.array([fallen_at_first_outburst(e, 0.001) for e in steps])
    assert np.nanmedian(fallen) >= 0.13  # measured 0.17: further than the jump's 0.1


def test_but_the_increments_erupt_before_the_fall_is_complete(runs):
    """Only part of the paper's result holds: the fall of 0.3 does not pass quietly."""
    peaks = runs["incremental_fall"][:, 100:].max(axis=1)
    assert (peaks > 0.3).all()
    assert peaks.mean() >= 0.41  # measured 0.53, the jump's 0.52
    assert abs(peaks.mean() - runs["sudden_fall"][:, 100:].max(axis=1).mean()) < 0.1


def test_with_more_patrols_the_increments_pass_quietly_and_the_jump_still_erupts(scenario):
    """Epstein's whole result, with 6 x 6 districts (3 or 4 whole patrols each, 0.0775).

    Measured by issue 14's helper: the increments stay below 0.3 in 10 of 10 seeds, the jump
    erupts in 7 of 10.
    """
    more = scenario.with_changes(overrides={"society.districts_per_side": 6})
    c = compare_variants(more, SEEDS, variants=["sudden_fall", "incremental_fall"], engine="process", workers=2)
    peaks = {v: np.array([f["expression"].to_numpy()[100:].max() for f in frames]) for v, frames in c.series.items()}
    assert (peaks["incremental_fall"] < 0.3).sum() >= 9
    assert (peaks["sudden_fall"] > 0.3).sum() >= 5
    assert (peaks["sudden_fall"] > peaks["incremental_fall"]).sum() >= 7


def test_a_sudden_cop_cut_erupts_at_once_the_same_cut_spread_out_later_not_smaller(runs):
    sudden, gradual, base = runs["cop_cut_sudden"], runs["cop_cut_gradual"], runs["base"]
    at_once, spread = sudden[:, 100:110].max(axis=1), gradual[:, 100:110].max(axis=1)
    assert (at_once > spread).sum() >= 9  # measured 10 of 10
    assert (at_once - spread).mean() >= 0.15  # measured 0.33
    assert (at_once > 0.3).sum() >= 6  # measured 8 of 10 (16 of 20)
    # whole patrols: until the first of them goes (step 159) the gradual cut is the base
    np.testing.assert_array_equal(gradual[:, :159], base[:, :159])
    assert (gradual[:, 159:].max(axis=1) > 0.3).all()  # it erupts too, later
    peaks = gradual[:, 100:].max(axis=1).mean(), sudden[:, 100:].max(axis=1).mean()
    assert peaks[0] >= peaks[1] - 0.05  # not smaller: measured 0.40 against 0.38


def test_cutting_cops_makes_bursts_frequent_then_steady_then_tips(runs):
    cuts, base = runs["cop_cuts"], runs["base"]
    frequent = share_above(cuts, FIVE_AND_FOUR, 0.1) - share_above(base, FIVE_AND_FOUR, 0.1)
    assert frequent.mean() >= 0.08 and (frequent > 0).sum() >= 9  # measured 0.15, 10 of 10
    # ... but no larger: the about text's "more often but grow no larger"
    assert cuts[:, FIVE_AND_FOUR].max(axis=1).mean() <= base[:, 50:].max(axis=1).mean() + 0.02
    # at 2 patrols a district the bursts have merged into steady unrest, below the base's bursts
    assert (cuts[:, TWO] < 0.01).mean() < 0.05  # measured 0
    assert cuts[:, TWO].max(axis=1).mean() < 0.2  # measured 0.11; the base's bursts 0.38
    # not in proportion: the last cut (2 -> 1) raises unrest more than the five before it
    five = cuts[:, TWO].mean(axis=1) - cuts[:, SEVEN].mean(axis=1)
    last = cuts[:, ONE].mean(axis=1) - cuts[:, TWO].mean(axis=1)
    assert (last > five).all()
    assert (last - five).mean() >= 0.03  # measured 0.066 (0.05-0.09)


def test_the_scenario_claims_hold(scenario, comparison):
    for claim in scenario.phenomenon.claims:
        verdict = judge(claim, comparison)
        assert verdict.holds, (claim.says, verdict.figures())
