"""Lesson 7: a tipping point, and whether it warns.

Covers: the approach to a tipping point (a fold, where the quiet state stops
existing) and critical slowing down (Scheffer et al. 2009): the lever mix
drifts slowly toward constraint; the system-dynamics twin says where the
quiet state is lost, and how slowly the loop recovers on the way there.
What to look for: the agents tip a little before the twin's fold; before the
tip, the rolling variance and lag-1 autocorrelation of the expression the loop
observes rise (Kendall tau above 0), and in the control, whose drift stops
short, they mostly do not. Two seeds; runs in about 20 seconds.

    python examples/07_tipping_point.py [--out DIR]
"""

import sys

import numpy as np
from _lesson import Output, main

from simulator import load_scenario
from simulator.experiments.compare import compare_variants
from simulator.experiments.tipping import tip_step, warning_before
from simulator.twin.tipping import road_to_tipping
from simulator.viz.figures import early_warning_figure


def lesson(out: Output) -> None:
    scenario = load_scenario("tipping_point")
    start = scenario.config["drift.start"]
    road = road_to_tipping(scenario.config)
    comparison = compare_variants(scenario, 2, variants=["drift", "control"])
    drift, control = comparison.series["drift"], comparison.series["control"]
    tips = [tip_step(frame, start) for frame in drift]
    mixes = [float(frame.loc[frame["step"] == tip, "soft_share"].iloc[0]) for frame, tip in zip(drift, tips)]
    readings = {"twin_fold": road.fold, "mix_at_tip": float(np.mean(mixes)),
                "control_runs_tipped": sum(tip_step(frame, start) is not None for frame in control)}
    words = {"twin_fold": "lever mix at which the twin's quiet state is lost",
             "mix_at_tip": "lever mix at which the agents tipped (mean of the seeds)",
             "control_runs_tipped": "control runs (drift stopped short) that tipped"}
    for variant, frames in (("drift", drift), ("control", control)):
        warned = [warning_before(frame, "observed_expression", start, tip) for frame, tip in zip(frames, tips)]
        readings[f"tau_variance_{variant}"] = float(np.mean([w.indicators.tau_variance for w in warned]))
        words[f"tau_variance_{variant}"] = f"Kendall tau of the rolling variance of observed expression, {variant}"
        readings[f"tau_autocorrelation_{variant}"] = float(np.mean([w.indicators.tau_autocorrelation for w in warned]))
        words[f"tau_autocorrelation_{variant}"] = f"Kendall tau of its lag-1 autocorrelation, {variant}"
    out.report(readings, words)
    first = warning_before(drift[0], "observed_expression", start, tips[0]).indicators
    figure = out.save_figure(early_warning_figure(drift[0], first, f"{scenario.title}, early warning",
                                                  "the first seed", scenario=scenario, road=road),
                             "early_warning.png")
    print(f"figure: {figure}")


if __name__ == "__main__":
    sys.exit(main(lesson, "07_tipping_point", __doc__))
