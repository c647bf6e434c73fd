"""Lesson 4: soft and hard together.

Covers: *Programming China*'s finding that soft (accommodating) and hard
(constraining) methods act together, and *Managing the State* on co-optation
and coercion. One controller, one budget, two shocks; the variants differ only
in the lever mix. What to look for: constraint alone quiets the first shock
fastest but drains trust and collapses at the second; accommodation alone is
too slow for the first outburst; the mix comes through both. Three seeds;
runs in about 8 seconds.

    python examples/04_soft_and_hard.py [--out DIR]
"""

import sys

import numpy as np
from _lesson import Output, main

from simulator import load_scenario
from simulator.experiments.compare import compare_variants
from simulator.viz.figures import compare_figure


def lesson(out: Output) -> None:
    scenario = load_scenario("soft_and_hard")
    second = scenario.config["shock.at_step"] + scenario.config["shock.every"]
    comparison = compare_variants(scenario, 3)
    readings, words = {}, {}
    for variant, runs in comparison.series.items():
        readings[f"trust_before_second_shock_{variant}"] = float(np.mean([r["trust"].iloc[second - 1] for r in runs]))
        words[f"trust_before_second_shock_{variant}"] = f"trust just before the second shock, {variant}"
        readings[f"collapsed_runs_{variant}"] = int(sum(r["collapsed"].any() for r in runs))
        words[f"collapsed_runs_{variant}"] = f"runs of {len(runs)} that ever reached the collapse line, {variant}"
    out.report(readings, words)
    figure = out.save_figure(compare_figure(comparison), "compare.png")
    print(f"figure: {figure}")


if __name__ == "__main__":
    sys.exit(main(lesson, "04_soft_and_hard", __doc__))
