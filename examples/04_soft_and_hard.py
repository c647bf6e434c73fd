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

import numpy as np
from _lesson import output_dir, report

from simulator import load_scenario
from simulator.experiment import compare_variants
from simulator.plotting import compare_figure, save_figure

out = output_dir("04_soft_and_hard", __doc__.splitlines()[0])
scenario = load_scenario("soft_and_hard")
second = scenario.config["shock.at_step"] + scenario.config["shock.every"]
comparison = compare_variants(scenario, 3)
readings = {}
for variant, runs in comparison.series.items():
    readings[f"trust_before_second_shock_{variant}"] = float(np.mean([r["trust"].iloc[second - 1] for r in runs]))
    readings[f"collapsed_runs_{variant}"] = int(sum(r["collapsed"].any() for r in runs))
report(out, readings)
save_figure(compare_figure(comparison), out / "compare.png")
print(f"figure: {out / 'compare.png'}")
