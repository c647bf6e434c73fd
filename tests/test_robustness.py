"""Claims as data: their measures, their verdicts and the moderate changes they face.

(Broken ``[phenomenon]`` tables are refused in one line: ``test_bad_input.py``.)
"""

import numpy as np
import pandas as pd
import pytest
from scipy import signal

from simulator import load_scenario
from simulator.experiments.compare import Comparison, compare_variants
from simulator.experiments.measures import measure, window_of
from simulator.experiments.robustness import conditions, judge, robustness
from simulator.phenomenon import STATS, WINDOWS, Claim

N = 120
SHOCKS = (30, 80)


def run(expression) -> pd.DataFrame:
    shock = np.zeros(N)
    shock[list(SHOCKS)] = 1.0
    return pd.DataFrame({"step": np.arange(N), "expression": np.asarray(expression, float), "shock": shock})


def claim(**changes) -> Claim:
    values = dict(says="x", series="expression", window="run", stat="mean", variant="a", is_="lower",
                  than="b", by=0.0, seeds=0.8, level=None)
    return Claim(**{**values, **changes})


def test_every_named_window_picks_the_steps_it_says():
    frame = run(np.arange(N))
    steps = {name: frame["step"].to_numpy()[window_of(frame, name)] for name in WINDOWS}
    assert steps["run"][0] == 1 and steps["run"][-1] == N - 1
    assert steps["late"].size == N // 4 and steps["late"][-1] == N - 1
    assert steps["last_two_thirds"][0] == N // 3 and steps["second_half"][0] == N // 2
    assert steps["after_shock"][0] == 30 and steps["after_shock"][-1] == N - 1
    assert (steps["between_shocks"][0], steps["between_shocks"][-1]) == (30, 79)
    assert steps["after_second_shock"][0] == 80
    assert list(frame["step"].to_numpy()[window_of(frame, (10, 13))]) == [10, 11, 12]
    calm = run(np.zeros(N)).assign(shock=0.0)  # a window that needs a shock is empty without one
    assert np.isnan(measure(calm, claim(window="after_shock")))


def test_every_stat_agrees_with_a_reference():
    rng = np.random.default_rng(4)
    t = np.arange(N)
    x = 0.3 + 0.1 * np.sin(2 * np.pi * t / 24) + 0.01 * rng.normal(size=N)
    frame = run(x)
    window = x[1:]
    got = {stat: measure(frame, claim(stat=stat, level=0.35)) for stat in STATS}
    assert got["mean"] == pytest.approx(window.mean())
    assert got["max"] == window.max() and got["min"] == window.min() and got["final"] == x[-1]
    assert got["sd"] == pytest.approx(window.std())
    assert got["overshoot"] == pytest.approx(window.max() - window[-(window.size // 4):].mean())
    freqs, power = signal.periodogram(signal.detrend(window), scaling="spectrum")
    assert got["period"] == pytest.approx(1 / freqs[np.argmax(power)], rel=0.01)  # about 24
    assert got["share_above"] == pytest.approx((window > 0.35).mean())
    peak = int(np.argmax(window))
    assert got["settle"] == np.flatnonzero(window[peak:] < 0.35)[0]


def _comparison(a, b) -> Comparison:
    return Comparison(None, len(a), {"a": [run(np.full(N, v)) for v in a], "b": [run(np.full(N, v)) for v in b]})


def test_a_verdict_pairs_the_seeds_and_needs_size_and_consistency():
    comparison = _comparison(a=[0.1, 0.2, 0.3, 0.5], b=[0.3, 0.3, 0.4, 0.4])  # a lower in 3 of 4
    verdict = judge(claim(by=0.05, seeds=0.75), comparison)
    np.testing.assert_allclose(verdict.effect, [0.2, 0.1, 0.1, -0.1])
    assert verdict.holding == 3 and verdict.mean == pytest.approx(0.075) and verdict.holds
    assert not judge(claim(by=0.1, seeds=0.75), comparison).holds  # not large enough
    assert not judge(claim(by=0.05, seeds=1.0), comparison).holds  # not in every seed
    higher = judge(claim(is_="higher", by=0.0, seeds=0.0), comparison)
    np.testing.assert_allclose(higher.effect, -verdict.effect)
    against_a_number = judge(claim(than=0.25, seeds=0.5), comparison)
    np.testing.assert_allclose(against_a_number.effect, [0.15, 0.05, -0.05, -0.25])
    assert not against_a_number.holds  # mean -0.025


def test_the_moderate_changes_of_a_scenario():
    sc = load_scenario("shock_resilience")
    made = {c.name: c for c in conditions(sc)}
    assert list(made) == ["as shipped", "half the agents", "twice the agents", "6 x 6 districts",
                          "runs 1.5 x longer", "shock.size -20 %", "shock.size +20 %"]
    assert made["as shipped"].overrides == {} and made["as shipped"].steps == sc.steps
    assert made["half the agents"].overrides == {"society.agents": sc.config["society.agents"] // 2}
    assert made["runs 1.5 x longer"].steps == round(sc.steps * 1.5)
    assert made["shock.size +20 %"].overrides["shock.size"] == pytest.approx(1.2 * sc.config["shock.size"])
    for condition in made.values():  # each one a valid scenario
        sc.with_changes(overrides=condition.overrides)


def test_robustness_runs_fresh_seeds_and_judges_every_claim():
    sc = load_scenario("shock_resilience").with_changes(
        overrides={"society.agents": 400, "society.districts_per_side": 4}, steps=90)
    [(condition, verdicts)] = robustness(sc, 2, only=["shock.size +20 %"])
    assert condition.overrides == {"shock.size": pytest.approx(0.66)}
    assert [v.claim for v in verdicts] == list(sc.phenomenon.claims)
    changed = sc.with_changes(overrides=condition.overrides)
    variants = ["protected", "unprotected"]
    first = sc.phenomenon.claims[0]
    fresh = judge(first, compare_variants(changed, 2, variants=variants, seed_point=1)).effect
    tuned = judge(first, compare_variants(changed, 2, variants=variants)).effect  # compare's seeds
    np.testing.assert_array_equal(verdicts[0].effect, fresh)
    assert np.isfinite(fresh).all() and not np.array_equal(fresh, tuned)


def test_the_command_writes_the_verdicts_it_prints(tmp_path, capsys):
    import json

    from simulator.cli.main import main

    small = ["--set", "society.agents=400", "--set", "society.districts_per_side=4"]
    out = tmp_path / "r"
    assert main(["robustness", "shock_resilience", "--replicates", "2", "--only", "shock.size +20 %",
                 "--band", "2", "--engine", "serial", *small, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    band = pd.read_csv(out / "band.csv")
    np.testing.assert_allclose(band["shock.size"], [0.275] * 3 + [0.825] * 3)  # 0.5 and 1.5 x 0.55
    assert list(band["claim"]) == [1, 2, 3] * 2 and (out / "band.png").stat().st_size > 10_000
    table = pd.read_csv(out / "claims.csv")
    sc = load_scenario("shock_resilience").with_changes(
        overrides={"society.agents": 400, "society.districts_per_side": 4})
    [(_, verdicts)] = robustness(sc, 2, only=["shock.size +20 %"])
    np.testing.assert_allclose(table["mean"], [v.mean for v in verdicts])
    assert list(table["holding"]) == [v.holding for v in verdicts]
    assert list(table["holds"]) == [v.holds for v in verdicts]
    for v in verdicts:
        assert f"{v.mean:+.3f} {v.holding}/2" in printed
    assert f"{sum(v.holds for v in verdicts)} of 3 hold" in printed
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed_point"] == 1 and summary["conditions"] == {
        "shock.size +20 %": {"overrides": {"shock.size": pytest.approx(0.66)}, "steps": 300}}
    assert summary["command"][:2] == ["govsim", "robustness"]


@pytest.mark.parametrize("argv, says", [
    (["delayed_feedback"], "declares no [phenomenon]"),
    (["shock_resilience", "--band", "1"], "--band must be 0 (none) or at least 2 points"),
    (["shock_resilience", "--only", "as shiped"], "no condition 'as shiped'"),
    (["shock_resilience", "--replicates", "0"], "--replicates must be an integer >= 1"),
])
def test_a_refused_robustness_is_one_line_and_leaves_nothing(argv, says, tmp_path, capsys):
    from simulator.cli.main import main

    assert main(["robustness", *argv, "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and says in err
    assert not (tmp_path / "r").exists()


def test_show_lists_what_a_scenario_claims(capsys):
    from simulator.cli.main import main

    assert main(["show", "soft_and_hard"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "WHAT IT CLAIMS (check with: govsim robustness soft_and_hard)" in printed
    for claim in load_scenario("soft_and_hard").phenomenon.claims:
        assert claim.says in printed
    # a claim that a change breaks says so
    assert "known not to hold under: plan.capacity -20 %, plan.capacity +20 %" in printed


def test_the_band_runs_from_half_to_one_and_a_half_times_the_key_within_its_bounds():
    from simulator.experiments.robustness import band_values

    sc = load_scenario("blind_spots")  # monitor.visibility 0.5
    np.testing.assert_allclose(band_values(sc, 5), [0.25, 0.375, 0.5, 0.625, 0.75])
    delays = load_scenario("centralise_or_delegate")  # structure.central_delay, an integer: 8
    assert band_values(delays, 7) == [4, 5, 7, 8, 9, 11, 12]
    short = delays.with_changes(overrides={"structure.central_delay": 3})
    assert band_values(short, 7) == [2, 3, 4]  # 1.5, 2, 2.5, ... rounded, each once
    capped = sc.with_changes(overrides={"monitor.visibility": 4.0})
    assert band_values(capped, 3) == [2.0, 4.0, 5.0]  # visibility is at most 5


def test_the_band_figure_draws_each_claims_mean_and_where_it_holds(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from simulator.experiments.robustness import Verdict
    from simulator.viz.robustness import band_figure

    sc = load_scenario("shock_resilience")
    first, second, third = sc.phenomenon.claims
    rows = [(0.44, [Verdict(first, np.array([0.2, 0.1])), Verdict(second, np.array([0.0, -0.1])),
                    Verdict(third, np.array([0.1, 0.1]))]),
            (0.55, [Verdict(first, np.array([0.05, 0.0])), Verdict(second, np.array([0.05, 0.03])),
                    Verdict(third, np.array([0.1, 0.1]))])]
    fig = band_figure(sc, rows, 2)
    ax = fig.axes[0]
    mean = next(line for line in ax.lines if line.get_label() == "mean difference")
    np.testing.assert_allclose(mean.get_ydata(), [0.15, 0.025])
    held = next(line for line in ax.lines if line.get_label() == "the claim holds")
    np.testing.assert_allclose(held.get_xdata(), [0.44])  # 0.15 >= 0.08 in 2 of 2; 0.025 is too small
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.44", "0.55"]
    assert ax.get_title(loc="left").startswith("a. Self-protection keeps")
