"""Soft and hard together (DESIGN.md §3.3), shown over 10 seeds.

Shocks at steps 40 and 200. Measured (10 replicates of ``compare``, seeded
by SeedSequence spawn keys since issue 13; means; re-measured after
self-healing became a local loop):

* first shock, peak expression: constraint only 0.218, mixed 0.273,
  accommodation only 0.402; steps until expression is back below 0.2:
  3.1, 7.0 and 13.1;
* trust just before the second shock: 0.212, 0.530 and 0.822;
* peak expression after the second shock: 0.430, 0.307 and 0.063 (the
  mixed run lower than constraint only in 10 of 10 seeds);
* runs that collapse: 8/10 (at the second shock), 0/10 and 7/10 (at the
  first shock).

Measured before the change, on the old seeds (scenario seed + i), the
same figures were 0.260, 0.315, 0.470; 4.2, 7.0, 14.8; 0.216, 0.533,
0.819; 0.449, 0.323, 0.062; and 9, 0 and 9 collapses. Accommodation alone
settles about twice as slowly as the mix: 1.87x on these seeds (1.90x before
self-healing repaired locally); before the change, 2.11x on the old seeds and
1.92x on 20 fresh ones (issue 14), so the test asks for 1.6x.

Mechanism off (constraint and removals cost no trust): constraint only
comes through both shocks in every seed (0 of 10 collapse; peak
expression after the second shock 0.206).
"""

import numpy as np
import pytest

from simulator import load_scenario
from simulator.experiments.compare import compare_variants
from simulator.experiments.robustness import judge

SEEDS = 10
VARIANTS = ("constraint_only", "mixed", "accommodation_only")


def _shock_steps(scenario):
    first = scenario.config["shock.at_step"]
    return first, first + scenario.config["shock.every"]


def _episodes(comparison):
    """Per variant, per seed: the figures of the two crises."""
    first, second = _shock_steps(comparison.scenario)
    out = {}
    for variant, runs in comparison.series.items():
        rows = []
        for r in runs:
            e = r["expression"].to_numpy()
            peak_at = first + int(np.argmax(e[first:first + 40]))
            rows.append({
                "peak1": e[first:first + 40].max(),
                "settle": peak_at - first + int(np.argmax(e[peak_at:] < 0.2)),
                "trust_before2": r["trust"].iloc[second - 1],
                "trust_start": r["trust"].iloc[0],
                "peak2": e[second:second + 40].max(),
                "collapsed": bool(r["collapsed"].any()),
                "collapsed_first": bool(r["collapsed"].iloc[first:second].any()),
            })
        out[variant] = {k: np.array([row[k] for row in rows]) for k in rows[0]}
    return out


@pytest.fixture(scope="module")
def episodes():
    return _episodes(compare_variants(load_scenario("soft_and_hard"), SEEDS, engine="process", workers=2))


def test_constraint_quiets_expression_fastest(episodes):
    c, m, a = (episodes[v] for v in VARIANTS)
    assert c["peak1"].mean() < m["peak1"].mean() < a["peak1"].mean()
    assert c["settle"].mean() + 1.0 <= m["settle"].mean()  # measured 3.9 steps sooner
    assert a["settle"].mean() >= 1.6 * m["settle"].mean()  # measured 1.87x (earlier 2.11x on the old seeds)


def test_constraint_erodes_trust(episodes):
    c, m, a = (episodes[v] for v in VARIANTS)
    assert (c["trust_start"] - c["trust_before2"]).mean() > 0.35  # measured 0.49
    assert c["trust_before2"].max() < m["trust_before2"].min() - 0.2  # 0.21 vs 0.53
    assert m["trust_before2"].mean() < a["trust_before2"].mean()


def test_constraint_only_ends_in_a_larger_cascade(episodes):
    c, m = episodes["constraint_only"], episodes["mixed"]
    assert c["peak2"].mean() > m["peak2"].mean() + 0.07  # measured +0.12
    assert (c["peak2"] > m["peak2"]).sum() >= 9           # seed by seed: measured 10 of 10
    # brittle: quiet through the first shock, far higher at the second (collapses, the crossing
    # of the 40 % line, measured 8 of 10 at the second shock and 0 at the first, are left to the
    # band: `govsim robustness soft_and_hard --band 9`)
    assert (c["peak2"] > c["peak1"] + 0.1).sum() >= 8


def test_the_mix_has_the_mildest_worst_moment(episodes):
    """Worst expression over both crises: the mix below either pure response, seed by seed.

    Measured (10 seeds): 0.31 against 0.43 (constraint only) and 0.40 (accommodation only).
    Whether a worst moment crosses the 40 % collapse line depends on capacity (the mix
    crosses too at capacity -20 %, in 14 of 20 fresh seeds in issue 14's measurement): the
    claims test the ordering, and the band shows the crossings.
    """
    worst = {v: np.maximum(episodes[v]["peak1"], episodes[v]["peak2"]) for v in VARIANTS}
    for pure in ("constraint_only", "accommodation_only"):
        assert worst["mixed"].mean() < worst[pure].mean() - 0.05
        assert (worst["mixed"] < worst[pure]).sum() >= 8


def test_with_a_fifth_less_capacity_the_mix_loses_its_edge_over_accommodation():
    """The declared fragility the texts cite (claim 6, ``fails_under = ["plan.capacity -20 %"]``):
    with a fifth less capacity the mix's worst moment is no longer milder than accommodation
    alone's, judged with the claim's own margin and share of seeds on the test's 10 seeds.
    Measured: a mean edge of +0.001 in 4 of 10 seeds, against +0.094 in 10 of 10 as shipped."""
    sc = load_scenario("soft_and_hard")
    (claim,) = [c for c in sc.phenomenon.claims if c.than == "accommodation_only"]
    assert "plan.capacity -20 %" in claim.fails_under
    weaker = sc.with_changes(overrides={"plan.capacity": 0.8 * sc.config["plan.capacity"]})
    verdict = judge(claim, compare_variants(weaker, SEEDS, variants=["mixed", "accommodation_only"],
                                            engine="process", workers=2))
    assert not verdict.holds, verdict.figures()
    assert judge(claim, compare_variants(sc, SEEDS, variants=["mixed", "accommodation_only"],
                                         engine="process", workers=2)).holds  # as shipped


def test_constraint_is_not_brittle_when_it_costs_no_trust():
    """Mechanism off: without trust lost to constraint and removals, constraint only survives."""
    sc = load_scenario("soft_and_hard").with_changes(
        overrides={"levers.trust_from_constraint": 0.0, "levers.trust_from_removal": 0.0})
    c = _episodes(compare_variants(sc, SEEDS, variants=["constraint_only"], engine="process", workers=2))["constraint_only"]
    assert c["collapsed"].sum() <= 1  # measured 0 of 10 (8 of 10 with the cost)
