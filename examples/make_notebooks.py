"""Write the two seminar notebooks (without outputs) from the cells below.

    python examples/make_notebooks.py [OUT_DIR]

OUT_DIR defaults to this folder. Keeping the cells here, as text, makes them
easy to review and to diff. The output is deterministic: each cell's id comes
from the notebook's name and the cell's position, the format version is
pinned, and the JSON is written the way Jupyter writes it (sorted keys, one
space of indent, a final newline), through a temporary file and a rename. So
regenerating unchanged cells gives byte-identical files, and the tests can
compare the committed notebooks with a fresh run.

The first code cell of each notebook turns on ``%matplotlib inline``, so that
``display(fig)`` shows a picture whatever backend the environment asks for
(CI exports ``MPLBACKEND=Agg``, which alone would show only the figure's text).
"""

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from simulator.io.files import atomic_write_text

HERE = Path(__file__).resolve().parent
#: nbformat 4.5 is the first minor version with cell ids; pinned, so a newer nbformat changes nothing.
NBFORMAT_MINOR = 5

SEMINAR_1 = [
    ("md", """# Seminar 1: feedback and delay

A synthetic society governed by a MAPE-K loop (Monitor, Analyze, Plan, Execute over shared
Knowledge). Nothing here is a real country or a real person: every agent is drawn from simple
distributions and the loop only ever sees district averages.

Work in pairs. Before each code cell, **write down your prediction**; then run it."""),
    ("code", """%matplotlib inline
from IPython.display import display
from simulator import GovernanceModel, load_scenario
from simulator.experiments.compare import compare_variants, run_once
from simulator.narrate import describe_step
from simulator.viz.figures import compare_figure, dashboard_figure"""),
    ("md", """## 1. One step of the loop

**Predict:** after ten steps, will the loop's picture of expression be higher or lower than the
truth? Why might it differ at all?"""),
    ("code", """model = GovernanceModel.from_scenario("baseline", seed=1, overrides={"society.agents": 2500})
model.run(10)
for stage, words in describe_step(model.report()).items():
    print(f"{stage}: {words}")
last = model.series().iloc[-1]
print("true:", round(last["expression"], 3), " seen:", round(last["observed_expression"], 3))"""),
    ("md", """## 2. Dynamic equilibrium

**Predict:** over 200 steps, will the number of districts in fault go to zero?"""),
    ("code", """series = run_once(load_scenario("baseline").with_changes(steps=200, overrides={"society.agents": 2500}), seed=2)
print("steps with at least one fault:", round((series["faults"].iloc[50:] > 0).mean(), 2))
display(dashboard_figure(series, "Baseline", "seed 2"))"""),
    ("md", """## 3. Delay

The `delay_oscillation` scenario strips the loop down to one lever and a firm controller.
**Predict:** what happens to need when the monitor's picture is ten steps old and decisions take
five more steps to arrive?"""),
    ("code", """comparison = compare_variants(load_scenario("delay_oscillation"), 2, variants=["short", "long"])
table = comparison.metrics().groupby("variant")[["need_max", "need_late", "need_period"]].mean()
print(table.round(3))
display(compare_figure(comparison))"""),
    ("md", """**Explain:** why is the period of the waves several times the delay? What would you change
first: the delay, or how hard the loop reacts (`plan.gain`)? Try it with
`load_scenario("delay_oscillation").with_changes(overrides={"plan.gain": 5})`."""),
]

SEMINAR_2 = [
    ("md", """# Seminar 2: soft and hard, legitimacy and cascades

Hoffman's *Programming China* argues that "soft" and "hard" methods act together. Epstein's
civil-violence model shows how legitimacy and enforcement shape sudden outbursts. Everything
here is synthetic and aggregate. **Predict before you run each cell.**"""),
    ("code", """%matplotlib inline
import numpy as np
from IPython.display import display
from simulator import load_scenario
from simulator.experiments.compare import compare_variants
from simulator.viz.figures import compare_figure"""),
    ("md", """## 1. One budget, three mixes

Two shocks hit most districts, at steps 40 and 200. **Predict:** which mix quiets the first shock
fastest? Which survives the second?"""),
    ("code", """sc = load_scenario("soft_and_hard")
comparison = compare_variants(sc, 2)
second = sc.config["shock.at_step"] + sc.config["shock.every"]
for variant, runs in comparison.series.items():
    trust = np.mean([r["trust"].iloc[second - 1] for r in runs])
    collapsed = sum(r["collapsed"].any() for r in runs)
    print(f"{variant:>20}: trust before the second shock {trust:.2f}, collapsed in {collapsed} of {len(runs)} runs")
display(compare_figure(comparison))"""),
    ("md", """**Explain:** where does the constraint-only society's stability go? Look at `trust` and
`latent` between the shocks."""),
    ("md", """## 2. A sudden and a gradual loss of legitimacy

Epstein's result: the same total fall in legitimacy causes an outburst when it is sudden, not
when it is gradual. **Predict** which variant peaks higher."""),
    ("code", """sc = load_scenario("epstein_civil_violence").with_changes(steps=250)
comparison = compare_variants(sc, 2, variants=["sudden_fall", "gradual_fall"])
for variant, runs in comparison.series.items():
    print(variant, "highest expression:", round(float(np.mean([r["expression"].max() for r in runs])), 2))
display(compare_figure(comparison))"""),
    ("md", """**Discuss:** what, in this model, plays the role of "legitimacy"? What does the model leave
out that a real legitimacy crisis would involve? (See `docs/concepts.md`.)"""),
]


NOTEBOOKS = {
    "seminar_1_feedback_and_delay": SEMINAR_1,
    "seminar_2_soft_hard_and_legitimacy": SEMINAR_2,
}


def build(name: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """The notebook ``name`` from ``(kind, text)`` pairs, with ids ``<name>-<index>``."""
    made = [new_markdown_cell(text, id=f"{name}-{i:02d}") if kind == "md"
            else new_code_cell(text, id=f"{name}-{i:02d}")
            for i, (kind, text) in enumerate(cells)]
    nb = new_notebook(cells=made, nbformat_minor=NBFORMAT_MINOR)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def text_of(nb: nbformat.NotebookNode) -> str:
    """The notebook as Jupyter writes it: sorted keys, indent 1, a final newline."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python examples/make_notebooks.py [OUT_DIR]", file=sys.stderr)
        return 2
    out = Path(args[0]) if args else HERE
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, cells in NOTEBOOKS.items():
            path = out / f"{name}.ipynb"
            atomic_write_text(path, text_of(build(name, cells)))
            print(f"wrote {path}")
    except OSError as exc:
        print(f"make_notebooks.py: error: cannot write into {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
