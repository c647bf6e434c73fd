"""Lesson 8: pre-emption, and a regulator whose model goes stale.

Covers: Hoffman's self-healing "in the proactive sense" (predict and prevent
faults) as model-predictive control, and Conant and Ashby's good regulator
theorem: every good regulator of a system must be a model of that system.
Under long delays a loop that forecasts with a model it learns, through the
orders it knows are on their way, holds need steadier and lower than a loop
that reacts, for less capacity. When the society changes (accommodation loses
most of its effect at step 250) a model that never forgets keeps planning for
the society that was.
What to look for: before the change, need swings less under 'predictive' than
under 'pid'; after it, need is higher under 'stale' than under 'pid'. Two
seeds; runs in about 15 seconds.

    python examples/08_pre_emption.py [--out DIR]
"""

import sys

import numpy as np
from _lesson import Output, main

from simulator import load_scenario
from simulator.experiments.compare import compare_variants
from simulator.viz.figures import compare_figure


def lesson(out: Output) -> None:
    scenario = load_scenario("pre_emption")
    change = scenario.config["shock.accommodation_drop_step"]
    comparison = compare_variants(scenario, 2, variants=["pid", "predictive", "stale"])
    readings, words = {}, {}
    for variant, runs in comparison.series.items():
        before = [r[(r["step"] >= 100) & (r["step"] < change)]["need"] for r in runs]
        after = [r[r["step"] >= change + 50]["need"] for r in runs]
        readings[f"need_sd_before_{variant}"] = float(np.mean([b.std() for b in before]))
        words[f"need_sd_before_{variant}"] = f"how much need swings before the change, {variant}"
        readings[f"need_after_{variant}"] = float(np.mean([a.mean() for a in after]))
        words[f"need_after_{variant}"] = f"mean need once the society has changed, {variant}"
        readings[f"cost_{variant}"] = float(np.mean([r["cost"].mean() for r in runs]))
        words[f"cost_{variant}"] = f"capacity spent per step over the run, {variant}"
    out.report(readings, words)
    figure = out.save_figure(compare_figure(comparison), "compare.png")
    print(f"figure: {figure}")


if __name__ == "__main__":
    sys.exit(main(lesson, "08_pre_emption", __doc__))
