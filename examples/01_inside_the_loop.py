"""Lesson 1: inside the loop, one step at a time.

Covers: the MAPE-K loop (Monitor, Analyze, Plan, Execute over shared
Knowledge) as IBM's autonomic-computing manifesto describes it and as
Hoffman maps "social management" onto it (*Programming China*). We step the
baseline scenario by hand and print what each stage saw and decided.
What to look for: Monitor's picture is a step old and partial; Analyze turns
it into tension and faults; Plan splits a limited budget; Execute delivers
decisions made earlier. Runs in about 2 seconds.

    python examples/01_inside_the_loop.py [--out DIR]
"""

import sys

from _lesson import Output, main

from simulator import GovernanceModel
from simulator.narrate import describe_step
from simulator.viz.figures import dashboard_figure


def lesson(out: Output) -> None:
    model = GovernanceModel.from_scenario("baseline", seed=1, overrides={"society.agents": 4900})
    for step in range(1, 31):
        model.step()
        if step in (1, 10, 30):
            print(f"--- step {step} ---")
            for stage, words in describe_step(model.report()).items():
                print(f"{stage:>9}: {words}")

    series = model.series()
    last = series.iloc[-1]
    print("\nThe loop's picture against the truth at step 30:")
    out.report({
        "true_expression": float(last["expression"]),
        "observed_expression": float(last["observed_expression"]),
        "latent": float(last["latent"]),
        "observability_gap": float(last["observability_gap"]),
        "faults": int(last["faults"]),
    }, words={
        "true_expression": "share of agents expressing, at the last step (true)",
        "observed_expression": "share expressing as the loop sees it (delayed, noisy, partial)",
        "latent": "share who would express if unafraid",
        "observability_gap": "what the loop does not see (latent minus seen)",
        "faults": "districts the loop flags as faults",
    })
    figure = out.save_figure(dashboard_figure(series, "Baseline, first 30 steps", "seed 1"), "dashboard.png")
    print(f"figure: {figure}")


if __name__ == "__main__":
    sys.exit(main(lesson, "01_inside_the_loop", __doc__))
