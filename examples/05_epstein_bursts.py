"""Lesson 5: Epstein's civil violence, punctuated bursts.

Covers: Epstein (2002), "Modeling civil violence: an agent-based
computational approach": with a fixed police presence, grievance and
legitimacy alone give long quiet spells broken by sudden bursts of open
rebellion. The loop is off here. What to look for: expression near zero most
of the time, and bursts that start and end abruptly. Runs in about 4 seconds.

    python examples/05_epstein_bursts.py [--out DIR]
"""

import sys

from _lesson import Output, main

from simulator import load_scenario
from simulator.experiments.compare import run_once
from simulator.viz.figures import dashboard_figure


def lesson(out: Output) -> None:
    scenario = load_scenario("epstein_civil_violence").with_changes(steps=300)
    series = run_once(scenario, seed=5)
    active = series["expression"].to_numpy()[1:]
    bursts = int(((active[1:] >= 0.25) & (active[:-1] < 0.25)).sum())
    out.report({
        "share_of_steps_quiet": float((active < 0.05).mean()),
        "bursts_above_25_percent": bursts,
        "highest_expression": float(active.max()),
    }, words={
        "share_of_steps_quiet": "share of steps with fewer than 5 % expressing",
        "bursts_above_25_percent": "bursts (times expression rose past 25 %)",
        "highest_expression": "highest share expressing",
    })
    figure = out.save_figure(dashboard_figure(series, "Epstein's civil violence", "seed 5"), "dashboard.png")
    print(f"figure: {figure}")


if __name__ == "__main__":
    sys.exit(main(lesson, "05_epstein_bursts", __doc__))
