"""Lesson 6: blind spots, the observability gap.

Covers: Backer on measurability, and the dialectic Hoffman describes between
visible control and what it drives out of sight. Visible monitoring chills
expression: the loop sees less, while latent grievance does not go away.
What to look for: with heavy monitoring, observed expression is lower but the
gap between latent and observed ('observability_gap') is much larger. Two
seeds; runs in about 5 seconds.

    python examples/06_blind_spots.py [--out DIR]
"""

import sys

import numpy as np
from _lesson import Output, main

from simulator import load_scenario
from simulator.experiments.compare import compare_variants
from simulator.viz.figures import compare_figure


def lesson(out: Output) -> None:
    scenario = load_scenario("blind_spots")
    shock = scenario.config["shock.at_step"]
    comparison = compare_variants(scenario, 2, variants=["light", "heavy"])
    readings, words = {}, {}
    for variant, runs in comparison.series.items():
        before = [r.iloc[shock - 50:shock] for r in runs]
        readings[f"observed_before_shock_{variant}"] = float(np.mean([b["observed_expression"].mean() for b in before]))
        words[f"observed_before_shock_{variant}"] = f"expression the loop sees before the shock, {variant} monitoring"
        readings[f"gap_before_shock_{variant}"] = float(np.mean([b["observability_gap"].mean() for b in before]))
        words[f"gap_before_shock_{variant}"] = f"what it does not see before the shock (latent - seen), {variant}"
        readings[f"peak_after_shock_{variant}"] = float(np.mean([r["expression"].iloc[shock:].max() for r in runs]))
        words[f"peak_after_shock_{variant}"] = f"highest true expression after the shock, {variant}"
    out.report(readings, words)
    figure = out.save_figure(compare_figure(comparison), "compare.png")
    print(f"figure: {figure}")


if __name__ == "__main__":
    sys.exit(main(lesson, "06_blind_spots", __doc__))
