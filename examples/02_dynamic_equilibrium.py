"""Lesson 2: dynamic equilibrium, faults that never go away.

Covers: Hoffman's point (*Programming China*) that the goal of social
management is not a fault-free society but one in which faults arise and are
repaired without collapsing the whole. We run the baseline scenario and count
faults and repairs, then switch the loop off (plan.policy=none, no
self-protection) on the same seed. What to look for: faults present nearly
all the time, many repairs, and a society that stays within a band; without
the loop, need climbs and trust erodes. Runs in about 3 seconds.

    python examples/02_dynamic_equilibrium.py [--out DIR]
"""

import sys

from _lesson import Output, main

from simulator import load_scenario
from simulator.experiments.compare import run_once
from simulator.experiments.metrics import summarize
from simulator.viz.figures import dashboard_figure


def lesson(out: Output) -> None:
    scenario = load_scenario("baseline").with_changes(steps=200, overrides={"society.agents": 4900})
    governed = run_once(scenario, seed=2)
    ungoverned = run_once(scenario.with_changes(overrides={"plan.policy": "none",
                                                            "protecting.enabled": False}), seed=2)
    body = governed.iloc[50:]
    g, u = summarize(governed), summarize(ungoverned)
    out.report({
        "share_of_steps_with_faults": float((body["faults"] > 0).mean()),
        "repairs_after_step_50": int(body["repairs"].sum()),
        "late_need_governed": g["need_late"],
        "late_need_ungoverned": u["need_late"],
        "late_trust_governed": g["trust_late"],
        "late_trust_ungoverned": u["trust_late"],
    }, words={
        "share_of_steps_with_faults": "share of steps with at least one district in fault (governed)",
        "repairs_after_step_50": "faults repaired after step 50 (governed)",
        "late_need_governed": "need over the last quarter, governed",
        "late_need_ungoverned": "need over the last quarter, loop switched off",
        "late_trust_governed": "trust over the last quarter, governed",
        "late_trust_ungoverned": "trust over the last quarter, loop switched off",
    })
    governed_png = out.save_figure(dashboard_figure(governed, "Dynamic equilibrium (baseline)", "seed 2"),
                                   "governed.png")
    ungoverned_png = out.save_figure(dashboard_figure(ungoverned, "The same society, loop switched off", "seed 2"),
                                     "ungoverned.png")
    print(f"figures: {governed_png}, {ungoverned_png}")


if __name__ == "__main__":
    sys.exit(main(lesson, "02_dynamic_equilibrium", __doc__))
