"""Lesson 3: delay causes oscillation.

Covers: Meadows (*Thinking in Systems*) on delays in balancing loops: a loop
that acts firmly on old information overshoots and hunts. We compare the
short- and long-delay variants of the delay_oscillation scenario over three
seeds. What to look for: with long delays, need swings in waves whose period
is several times the delay, and the overshoot is larger. Runs in about 6
seconds.

    python examples/03_delay_and_oscillation.py [--out DIR]
"""

import sys

from _lesson import Output, main

from simulator import load_scenario
from simulator.experiments.compare import compare_variants
from simulator.viz.figures import compare_figure


def lesson(out: Output) -> None:
    comparison = compare_variants(load_scenario("delay_oscillation"), 3, variants=["short", "long"])
    m = comparison.metrics()
    m["overshoot"] = m["need_max"] - m["need_late"]
    means = m.groupby("variant")[["overshoot", "need_sd_late", "need_period"]].mean()
    out.report({
        "overshoot_short": float(means.loc["short", "overshoot"]),
        "overshoot_long": float(means.loc["long", "overshoot"]),
        "swing_sd_short": float(means.loc["short", "need_sd_late"]),
        "swing_sd_long": float(means.loc["long", "need_sd_late"]),
        "period_long_steps": float(means.loc["long", "need_period"]),
    }, words={
        "overshoot_short": "how far need overshoots its settled level, short delays",
        "overshoot_long": "how far need overshoots its settled level, long delays",
        "swing_sd_short": "swing of need (standard deviation, second half), short delays",
        "swing_sd_long": "swing of need (standard deviation, second half), long delays",
        "period_long_steps": "period of need's swings with long delays, in steps",
    })
    figure = out.save_figure(compare_figure(comparison), "compare.png")
    print(f"figure: {figure}")


if __name__ == "__main__":
    sys.exit(main(lesson, "03_delay_and_oscillation", __doc__))
