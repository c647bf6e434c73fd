"""Early-warning signals (simulator/experiments/early_warning.py) and ``govsim run --early-warning``.

The phenomenon tests ask whether the indicators anticipate the blind_spots
cascade under the fear-threshold variant (10 seeds, 4..13; steps 50-149 before the shock at step 150; the
series is observed_expression, what the loop itself sees). Measured when
written:

- Trend, the question early-warning signals usually answer: Kendall tau of
  the rolling variance is positive in 6 of 10 heavy-monitoring runs, of the
  lag-1 autocorrelation in 5 of 10; in runs that do not tip the counts are
  the same (light monitoring, largest expression after the shock 0.36:
  5 and 6 of 10; heavy monitoring with the shock removed, largest expression
  0.13-0.24: exactly the same taus as with the shock, seed by seed, because
  the runs are identical up to step 150). The cascade is set off by an
  outside shock from a stationary state: nothing was slowing down, so there
  is no rising trend to find. The test pins that, rather than a warning that
  is not there.
- Level, what the indicators do carry: under heavy monitoring the loop's own
  observed expression fluctuates more and more slowly than with the same
  coverage and no chilling effect (monitor.visibility = 0, mechanism off):
  mean lag-1 autocorrelation of the residual 0.91 vs 0.48 (higher in 10 of
  10 seeds, by at least 0.23), relative variance 0.141 vs 0.0033 (higher in
  10 of 10 seeds, at least 11 times). With the chilling effect off in both
  arms these counts are 0 of 10, so the test fails. That is lost
  resilience, the reason the same shock sets off a far larger cascade, not a
  forecast of when.
- A slow approach instead of the shock (trust falling by 0.6 over 400 steps,
  with accommodation rebuilding trust too slowly to undo it) does not warn
  either: the indicators fall as the society tips.
- In Epstein's civil violence (loop off), a slow legitimacy fall before the
  first outburst gives a rising variance of expression in 9 of 10 runs, but
  the same fall stopped short of the outburst gives it too (10 of 10), and it
  is the rise of the mean, not of the fluctuations (see the last test).
"""

import json

import numpy as np
import pandas as pd
import pytest

from simulator import ParameterError, load_scenario
from simulator.cli.main import main
from simulator.experiments.early_warning import (
    EarlyWarning,
    detrend,
    early_warning,
    find_event,
    kendall_trend,
    read_tau,
    rolling_autocorrelation,
    rolling_variance,
)

from stated import bound  # docs/numbers.toml: the figures the texts state

# -- the indicators on processes whose answer is known ---------------------------------------

def ar1(seed, n=400, low=0.1, high=0.95):
    """x[t] = phi[t] x[t-1] + noise, phi rising linearly: a system losing its resilience."""
    rng = np.random.default_rng(seed)
    phi = np.linspace(low, high, n)
    noise = rng.normal(size=n)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = phi[t] * x[t - 1] + noise[t]
    return x


@pytest.mark.parametrize("seed", range(5))
def test_an_ar1_process_approaching_a_unit_root_gives_rising_indicators(seed):
    ew = early_warning(ar1(seed))
    assert ew.event_found == "none"  # no jump: the whole series is analysed
    assert ew.tau_autocorrelation > 0.5  # measured 0.76-0.97 over seeds 0-9
    assert ew.tau_variance > 0.5  # measured 0.64-0.96
    late, early = ew.autocorrelation[-1], ew.autocorrelation[ew.window - 1]
    assert late > early + 0.2


def test_white_noise_gives_taus_around_zero_but_single_runs_can_mislead():
    taus = np.array([[w.tau_variance, w.tau_autocorrelation]
                     for w in (early_warning(np.random.default_rng(s).normal(size=400))
                               for s in range(20))])
    # measured means 0.11 and 0.04 over these 20 seeds
    assert np.abs(taus.mean(axis=0)).max() < 0.2
    # the pitfall: overlapping windows make a strong "trend" in some pure-noise runs
    assert np.abs(taus).max() > 0.5


def test_a_stationary_ar1_process_shows_no_trend_on_average():
    taus = np.array([early_warning(ar1(s, low=0.6, high=0.6)).tau_autocorrelation
                     for s in range(20)])
    assert abs(taus.mean()) < 0.2


def test_rolling_indicators_match_a_direct_computation():
    x = np.random.default_rng(0).normal(size=30)
    var, ac = rolling_variance(x, 8), rolling_autocorrelation(x, 8)
    assert np.isnan(var[:7]).all() and np.isnan(ac[:7]).all()
    for i in range(7, 30):
        w = x[i - 7:i + 1]
        np.testing.assert_allclose(var[i], w.var())
        np.testing.assert_allclose(ac[i], np.corrcoef(w[:-1], w[1:])[0, 1])


def test_detrend_splits_the_series_and_removes_a_slow_trend():
    t = np.arange(200)
    x = 0.01 * t + np.random.default_rng(1).normal(scale=0.1, size=200)
    trend, residual = detrend(x, 5)
    np.testing.assert_allclose(trend + residual, x)
    assert abs(kendall_trend(residual)[0]) < 0.1


def test_find_event_by_jump_and_by_level():
    x = np.concatenate([np.random.default_rng(2).normal(0.1, 0.01, 100), [0.5, 0.6, 0.2]])
    assert find_event(x) == 100
    assert find_event(x, level=0.55) == 101
    assert find_event(x[:100]) is None
    assert find_event(x, level=0.9) is None


def test_the_result_becomes_a_table_and_a_summary():
    x = ar1(0, n=120)
    ew = early_warning(x, series="demo", steps=np.arange(10, 130), event=110, start=20, window=30)
    assert isinstance(ew, EarlyWarning)
    frame = ew.to_frame()
    assert list(frame.columns) == ["step", "value", "trend", "residual", "variance", "autocorrelation"]
    assert frame["step"].iloc[0] == 20 and frame["step"].iloc[-1] == 109  # stops before the event
    np.testing.assert_allclose(frame["value"], x[10:100])
    summary = ew.summary()
    assert summary["event"] == 110 and summary["event_found"] == "given" and summary["window"] == 30
    assert summary["tau_variance"] == ew.tau_variance
    with pytest.raises(AttributeError):
        ew.window = 5  # frozen


@pytest.mark.parametrize("kwargs, message", [
    ({"window": 2}, "window must be an integer in [3,"),
    ({"window": 500}, "window must be an integer in [3,"),
    ({"bandwidth": 0.0}, "bandwidth must be a number > 0"),
    ({"start": -3}, "start must be a step in"),
    ({"event": 0}, "event must be a step in"),
    ({"event": 5}, "early warning needs at least"),
])
def test_bad_arguments_raise_a_parameter_error_naming_them(kwargs, message):
    with pytest.raises(ParameterError, match=message.replace("[", r"\[")):
        early_warning(ar1(0, n=100), **kwargs)


def test_a_series_with_nan_or_the_wrong_shape_is_refused():
    with pytest.raises(ParameterError, match="finite"):
        early_warning([0.1] * 20 + [np.nan])
    with pytest.raises(ParameterError, match="one-dimensional"):
        early_warning(np.zeros((20, 2)))


# -- the command line -------------------------------------------------------------------------

@pytest.mark.parametrize("tau, text", [
    (0.62, "variance rising (tau +0.62): a warning sign"),
    (0.30, "variance rising (tau +0.30): a warning sign"),
    (0.12, "no warning: variance barely rising (tau +0.12, below +0.30)"),
    (0.0, "no warning: variance not rising (tau +0.00)"),
    (-0.10, "no warning: variance not rising (tau -0.10)"),
    (float("nan"), "no reading: variance constant over the stretch (tau undefined)"),
])
def test_a_tau_is_read_in_words(tau, text):
    assert read_tau(tau, "variance") == text


def test_the_reading_gives_a_verdict_on_both_indicators():
    rising = early_warning(ar1(0))  # resilience lost: both rise (taus 0.6-0.97)
    lines = rising.reading()
    assert lines[0].startswith("variance rising") and lines[1].startswith("lag-1 autocorrelation rising")
    assert "critical slowing down" in lines[2] and "compare several seeds" in lines[2]
    # the same series backwards: resilience regained, nothing rises
    falling = early_warning(ar1(0)[::-1])
    assert falling.tau_variance < 0 and falling.tau_autocorrelation < 0
    assert falling.reading() == [f"no warning: variance not rising (tau {falling.tau_variance:+.2f})",
                                 f"no warning: lag-1 autocorrelation not rising (tau {falling.tau_autocorrelation:+.2f})",
                                 "no early warning before the end"]
    assert rising.summary()["reading"] == lines


def test_run_with_early_warning_writes_the_indicators_and_the_figure(tmp_path, capsys):
    out = tmp_path / "ew"
    assert main(["run", "blind_spots", "--variant", "heavy", "--steps", "170", "--seed", "5",
                 "--early-warning", "--ew-series", "expression", "--ew-window", "40",
                 "--out", str(out)]) == 0
    frame = pd.read_csv(out / "early_warning.csv")
    assert frame["step"].iloc[0] == 42 and frame["step"].iloc[-1] == 149  # start: a quarter of 170
    summary = json.loads((out / "summary.json").read_text())["early_warning"]
    assert summary["series"] == "expression" and summary["window"] == 40
    assert summary["event"] == 150 and summary["event_found"] == "jump"  # the cascade
    assert -1 <= summary["tau_variance"] <= 1
    assert (out / "early_warning.png").stat().st_size > 10_000
    printed = capsys.readouterr().out.splitlines()
    assert printed[-3:] == [f"    {line}" for line in summary["reading"]]


def test_run_without_the_flag_writes_no_early_warning(tmp_path):
    assert main(["run", "blind_spots", "--steps", "30", "--no-plot", "--out", str(tmp_path / "r")]) == 0
    assert not (tmp_path / "r" / "early_warning.csv").exists()
    assert "early_warning" not in json.loads((tmp_path / "r" / "summary.json").read_text())


@pytest.mark.parametrize("argv, message", [
    (["--early-warning", "--ew-series", "nosuch"], "--ew-series must be one of need, trust,"),
    (["--ew-window", "20"], "--ew-window only apply with --early-warning"),
    (["--early-warning", "--ew-window", "2"], "--early-warning: window must be an integer in [3,"),
    (["--early-warning", "--ew-event", "10"], "early warning needs at least"),
])
def test_bad_early_warning_options_exit_2_with_one_line(tmp_path, capsys, argv, message):
    out = tmp_path / "bad"
    assert main(["run", "blind_spots", "--steps", "60", "--no-plot", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not out.exists()  # nothing half-written


# -- the phenomenon: does anything warn of the blind_spots cascade? -------------------------------

SEEDS = range(4, 14)
START, SHOCK = 50, 150
SERIES = "observed_expression"


@pytest.fixture(scope="module")
def blind_spots(run_many):
    # the cascade needs whole-observer counting (the floor rule): the fear-threshold variant
    sc = load_scenario("blind_spots").with_changes(overrides={"society.arrest_rounding": "floor"})
    heavy = sc.with_variant("heavy_fear_threshold")
    conditions = {
        "heavy": heavy,
        "light": sc.with_variant("light"),
        "no_shock": heavy.with_changes(overrides={"shock.at_step": -1}),
        "unseen": heavy.with_changes(overrides={"monitor.visibility": 0.0}),  # mechanism off
    }
    return run_many(conditions, SEEDS)


def indicators(frames):
    return [early_warning(f[SERIES].to_numpy(), series=SERIES, start=START, event=SHOCK)
            for f in frames]


def test_heavy_monitoring_tips_at_the_shock_and_the_controls_do_not(blind_spots):
    heavy = [find_event(f["expression"].to_numpy(), start=START) for f in blind_spots["heavy"]]
    assert heavy == [SHOCK] * len(SEEDS)  # the jump is found at the shock in every seed
    collapsed = {k: sum(find_event(f["expression"].to_numpy(), start=START, level=0.4) is not None
                        for f in frames) for k, frames in blind_spots.items()}
    assert collapsed["heavy"] == 10  # reaches the collapse level 0.4
    assert collapsed["light"] <= 2  # measured 1 of 10
    assert collapsed["no_shock"] == 0  # never tips by itself
    assert all(find_event(f["expression"].to_numpy(), start=START) is None
               for f in blind_spots["no_shock"])


def test_the_trend_before_a_shock_triggered_cascade_is_no_warning(blind_spots):
    heavy, no_shock = indicators(blind_spots["heavy"]), indicators(blind_spots["no_shock"])
    light = indicators(blind_spots["light"])
    # a run that tips and one that never does have the same indicators, seed by seed
    for tipped, calm in zip(heavy, no_shock):
        np.testing.assert_array_equal(tipped.variance, calm.variance)
        assert tipped.tau_variance == calm.tau_variance
        assert tipped.tau_autocorrelation == calm.tau_autocorrelation
    # and the tipping runs do not rise more often than the light runs, which never tip:
    # no more than chance gives (heavy 5 and 3 of 10; light 5 and 8; before self-healing
    # repaired locally by the set-point: heavy 6 and 5, light 5 and 6)
    for name in ("tau_variance", "tau_autocorrelation"):
        rising = sum(getattr(w, name) > 0 for w in heavy)
        assert rising <= 7
        assert rising <= sum(getattr(w, name) > 0 for w in light) + 2


def test_heavy_monitoring_makes_what_the_loop_sees_fluctuate_more_and_more_slowly(blind_spots):
    heavy, unseen = indicators(blind_spots["heavy"]), indicators(blind_spots["unseen"])
    ac_heavy = np.array([np.nanmean(w.autocorrelation) for w in heavy])
    ac_unseen = np.array([np.nanmean(w.autocorrelation) for w in unseen])
    rel_heavy = np.array([np.nanmean(w.variance) / w.value.mean() ** 2 for w in heavy])
    rel_unseen = np.array([np.nanmean(w.variance) / w.value.mean() ** 2 for w in unseen])
    assert (ac_heavy > ac_unseen).sum() >= 9  # measured 10 of 10, by at least 0.23
    assert ac_heavy.mean() > ac_unseen.mean() + 0.2  # measured 0.91 vs 0.48
    assert (rel_heavy > 5 * rel_unseen).sum() >= 9  # measured 10 of 10, at least 11.9 times


# -- a slow approach instead of a shock: legitimacy eroding over 400 steps -----------------------

#: Heavy monitoring, no shock; trust falls by 0.6 over steps 50-449 and accommodation rebuilds
#: trust five times more slowly than in blind_spots (0.01 against 0.05), so the loop cannot
#: undo the fall: expression rises from about 0.2 to 0.65 over some 250 steps.
SLOW = {"shock.at_step": -1, "shock.trust_drop": 0.6, "shock.trust_drop_step": 50,
        "shock.trust_drop_duration": 400, "levers.trust_from_accommodation": 0.01}


@pytest.fixture(scope="module")
def slow_erosion(run_many):
    heavy = load_scenario("blind_spots").with_variant("heavy_fear_threshold").with_changes(steps=500)
    eroding = heavy.with_changes(overrides=SLOW)
    steady = heavy.with_changes(overrides={**SLOW, "shock.trust_drop": 0.0})  # driver off
    return run_many({"eroding": eroding, "steady": steady}, SEEDS)


def test_a_slow_approach_under_heavy_monitoring_gives_falling_not_rising_indicators(slow_erosion):
    """Critical slowing down absent even without a shock (measured when written, 10 seeds).

    With the driver the expression share reaches 0.4 in every run, at steps 292-333, smoothly
    (no jump is found); without it, never. Over steps 50 to that crossing, the Kendall tau of
    the rolling variance of observed_expression is negative in 10 of 10 runs (mean -0.66,
    largest -0.24), of the autocorrelation positive in 2 of 10 (mean -0.45). In the same
    stretch of the runs without the driver: 5 and 2 of 10 positive, means -0.12 and -0.14.
    Re-measured since self-healing repairs locally by the set-point: the variance tau is
    positive in 4 of 10 eroding runs (mean -0.38, largest 0.32) against 7 of 10 steady runs
    (mean 0.09); the autocorrelation tau in 5 against 8 (means -0.24 and 0.26); paired by
    seed, the eroding run's tau is the lower in 7 (variance) and 8 (autocorrelation) of 10.
    The falling means are the robust part; the counts per run are near chance.
    Silent grievance breaks out in bursts while few speak; as more speak, crowds persist
    and the bursts smooth out. The indicators fall as the society tips: in 18 choices of
    window, bandwidth and start, and with the fall spread over 800 steps, at most 4 (variance)
    and 5 (autocorrelation) of 10 are positive. With the driver off the crossing assertion
    fails, and the variance count rises to chance (5 of 10).
    """
    eroding, steady = slow_erosion["eroding"], slow_erosion["steady"]
    crossing = [find_event(f["expression"].to_numpy(), start=START, level=0.4) for f in eroding]
    assert all(c is not None and 250 <= c <= 380 for c in crossing)  # measured 292-333
    assert all(find_event(f["expression"].to_numpy(), start=START) is None for f in eroding)
    assert all(find_event(f["expression"].to_numpy(), start=START, level=0.4) is None
               for f in steady)

    def taus(frames):
        ews = [early_warning(f[SERIES].to_numpy(), series=SERIES, start=START, event=c)
               for f, c in zip(frames, crossing)]
        return (np.array([w.tau_variance for w in ews]),
                np.array([w.tau_autocorrelation for w in ews]))

    (var_e, ac_e), (var_s, ac_s) = taus(eroding), taus(steady)
    assert (var_e > 0).sum() <= 5  # measured 4 of 10: no more rising variance than chance
    assert 2 <= (var_s > 0).sum() <= 8  # measured 7 of 10: chance, without the driver
    assert var_e.mean() < var_s.mean() - 0.3  # measured -0.38 against 0.09
    assert (ac_e > 0).sum() <= 6  # measured 5 of 10
    assert ac_e.mean() < ac_s.mean() - 0.15  # measured -0.24 against 0.26
    assert (var_e < var_s).sum() >= 6 and (ac_e < ac_s).sum() >= 6  # measured 7 and 8 of 10


# -- a model with a threshold that a slow drift crosses: Epstein's civil violence --------------

#: epstein_civil_violence, variant slow_erosion: legitimacy 0.89 (quiet), falling by 0.1 over
#: steps 50-449; the first large outburst (expression 0.1, as in the phenomenon test's bursts)
#: is the event. Controls over the same stretch: the same fall stopped after 120 steps (at
#: 0.86), and no fall.
EPSTEIN_START, OUTBURST = 50, 0.1


@pytest.fixture(scope="module")
def epstein_erosion(run_many):
    sc = load_scenario("epstein_civil_violence")
    eroding = sc.with_variant("slow_erosion")
    conditions = {
        "eroding": eroding,
        "stopped": eroding.with_changes(overrides={"shock.trust_drop": 0.03,
                                                   "shock.trust_drop_duration": 120}),
        "steady": eroding.with_changes(overrides={"shock.trust_drop": 0.0}),  # driver off
    }
    # the integer seeds this was measured on (2002-2011), not compare's replicates: under
    # those (SeedSequence spawn keys, issue 13) replicate 7 does not reach 0.1 by step 450 and
    # 5 of 10 steady runs show rising variance by chance. The finding is seed-sensitive; the
    # tipping_point scenario (issue 17) is where a warning is to be shown robustly.
    seeds = range(sc.seed, sc.seed + 10)
    return {name: [f["expression"].to_numpy() for f in frames]
            for name, frames in run_many(conditions, seeds).items()}


def test_a_slow_legitimacy_fall_in_epsteins_model_gives_rising_variance_but_no_slowing_down(
        epstein_erosion):
    """Variance rises before the outburst, but only because the mean does (10 seeds, 2002-2011).

    Measured when written: with the fall, expression first reaches 0.1 at steps 178-365
    (legitimacy 0.81-0.86; peaks 0.32-0.41); without it, never. Over steps 50 to that step, the
    tau of the rolling variance of expression is positive in 9 of 10 runs (mean +0.85); without
    the fall in 1 of 10 (mean -0.18 over the 5 runs whose expression is not constantly 0). But
    the fall stopped at 0.86 gives the same rise over the same steps, 10 of 10 (mean +0.82),
    though only 1 of those runs tips in the stretch; and the rise is that of the mean (rolling
    mean tau positive in 10 of 10, +0.88), not of the fluctuations: the variance-to-mean ratio
    rises in 4 of 10 (mean -0.04), as independent citizens crossing the threshold one at a
    time give. The autocorrelation rises in 7 of 10 (mean +0.32), against 6 of 10 (+0.20)
    when the fall stops. Across 5 rates and starts, 2 seed sets and 4 window/bandwidth
    choices the variance count was 7-10 of 10, the autocorrelation's 3-10 (means -0.25 to
    +0.70), the variance-to-mean ratio's 3-5 of 10 (means below 0). With the driver off the
    crossing assertion fails.
    """
    eroding, stopped, steady = (epstein_erosion[k] for k in ("eroding", "stopped", "steady"))
    events = [find_event(e, start=EPSTEIN_START, level=OUTBURST) for e in eroding]
    first, last = bound("epstein.erosion_outburst_first_step"), bound("epstein.erosion_outburst_last_step")
    assert all(ev is not None and first <= ev <= last for ev in events)  # measured 178-365
    assert all(find_event(e, start=EPSTEIN_START, level=OUTBURST) is None for e in steady)
    assert sum(find_event(e[:ev], start=EPSTEIN_START, level=OUTBURST) is not None
               for e, ev in zip(stopped, events)) <= 2  # measured 1 of 10 tips in the stretch

    def indicators(runs):
        out = []
        for e, ev in zip(runs, events):
            w = early_warning(e, series="expression", start=EPSTEIN_START, event=ev)
            windows = np.lib.stride_tricks.sliding_window_view(w.value, w.window)
            mean = windows.mean(axis=1)
            fano = np.where(mean > 0, windows.var(axis=1) / np.where(mean > 0, mean, 1), np.nan)
            out.append((w.tau_variance, w.tau_autocorrelation, kendall_trend(mean)[0],
                        kendall_trend(fano)[0]))
        return np.array(out)  # NaN where the stretch is constant (no citizen ever active)

    e, c, s = indicators(eroding), indicators(stopped), indicators(steady)
    VAR, AC, MEAN, FANO = range(4)
    # the variance rises toward the outburst, and not without the fall
    assert (e[:, VAR] > 0).sum() >= bound("epstein.erosion_variance_rises")  # measured 9 of 10
    assert np.nanmean(e[:, VAR]) > 0.6  # measured +0.85
    assert (s[:, VAR] > 0).sum() <= 3  # measured 1 of 10
    assert np.nanmean(e[:, VAR]) > np.nanmean(s[:, VAR]) + 0.5  # measured +0.85 against -0.18
    # ... but equally where the fall stops short of the outburst: it tracks the driver
    assert (c[:, VAR] > 0).sum() >= bound("epstein.stopped_variance_rises")  # measured 10 of 10
    assert abs(np.nanmean(e[:, VAR]) - np.nanmean(c[:, VAR])) < 0.2  # measured +0.85 and +0.82
    # ... and it is the mean's rise, not larger fluctuations: no slowing down
    assert (e[:, MEAN] > 0).sum() >= 9  # measured 10 of 10
    assert (e[:, FANO] > 0).sum() <= bound("epstein.erosion_fano_rises")  # measured 4 of 10
    assert np.nanmean(e[:, FANO]) < 0.2  # measured -0.04
    assert (e[:, AC] > 0).sum() - (c[:, AC] > 0).sum() <= 3  # measured 7 against 6 of 10
    assert np.nanmean(e[:, AC]) < 0.5  # measured +0.32; an AR(1) nearing a unit root: 0.76-0.97
