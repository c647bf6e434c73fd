"""The debrief: what the class did, beside what the built-in policies do on the same seed.

Each built-in run replays the session's own actions, the centre's budget
and centralisation and the sharing switch at the steps the instructor set
them, with every district left to the built-in local policy (no students).
The same seed gives the same disturbances and shocks, so the difference
between the class's run and the built-in one with the scenario's own policy
is what the students' decisions made. The other policies show what a
different built-in centre would have done with the same events.

Writes ``series.csv`` (the class's run), ``debrief.csv`` (the table) and
``debrief.png`` into the session folder, each atomically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..experiments.compare import Comparison
from ..experiments.metrics import summarize
from ..headline import METRIC_INFO
from ..io.files import write_csv
from ..loop.plan import POLICIES
from ..viz.figures import compare_figure
from ..viz.look import save_figure
from .session import ClassSession, replay

__all__ = ["debrief", "builtin_runs", "DEBRIEF_METRICS", "CLASS"]

#: The table's metrics (headline names), each with the direction that is better.
DEBRIEF_METRICS: tuple[str, ...] = ("expression_late", "latent_late", "trust_late", "need_late",
                                    "cost_late", "expression_max")
#: The class's row and line.
CLASS = "the class"
#: What a student's decisions are: anything that is not the centre's or the step.
_STUDENTS = frozenset({"hold", "levers", "release"})


def builtin_runs(session: ClassSession, actions: Iterable[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """The session's steps and centre actions, replayed with every built-in policy and no students."""
    own = session.scenario.config.plan.policy
    kept = [a for a in actions if a["kind"] not in _STUDENTS]
    runs = {}
    for policy in (own, *[p for p in POLICIES if p != own]):
        scenario = session.scenario.with_changes(overrides={"plan.policy": policy})
        label = f"no students, built-in '{policy}'" + (" (the scenario's)" if policy == own else "")
        runs[label] = replay({}, kept, ClassSession(scenario, 0)).model.series()
    return runs


def debrief(session: ClassSession, actions: list[dict[str, Any]], folder: Path) -> dict[str, Any]:
    """Make the debrief's table and figure; return what the instructor's page shows."""
    if session.step_count == 0:
        return {"steps": 0, "rows": [], "figure": None,
                "words": "Nothing to compare yet: the session has not taken a step."}
    runs = {CLASS: session.model.series(), **builtin_runs(session, actions)}
    table = pd.DataFrame([{"who": who, **{m: summarize(frame)[m] for m in DEBRIEF_METRICS}}
                          for who, frame in runs.items()])
    write_csv(folder / "series.csv", runs[CLASS])
    write_csv(folder / "debrief.csv", table)
    scenario = replace(session.scenario, variants={}, descriptions={}, overrides={})
    # the figure leaves out the loop that does nothing: its runaway would flatten every other line
    drawn = {k: [v] for k, v in runs.items() if "'none'" not in k}
    comparison = Comparison(scenario=scenario, replicates=1, series=drawn)
    how = f"the class against the built-in policies, same seed, {session.step_count} steps"
    save_figure(compare_figure(comparison, how=how), folder / "debrief.png")
    metrics = [{"name": m, "label": METRIC_INFO[m].label, "better": METRIC_INFO[m].better} for m in DEBRIEF_METRICS]
    return {"steps": session.step_count, "metrics": metrics,
            "rows": [{"who": who, "values": [round(float(v), 4) for v in values]}
                     for who, *values in table[["who", *DEBRIEF_METRICS]].itertuples(index=False)],
            "figure": "debrief.png", "words": _words(table)}


def _words(table: pd.DataFrame) -> str:
    """The class's run against the built-in run with the scenario's policy, in a sentence."""
    mine, theirs = table.iloc[0], table.iloc[1]
    change = mine["expression_late"] - theirs["expression_late"]
    trust = mine["trust_late"] - theirs["trust_late"]
    if abs(change) < 0.0005 and abs(trust) < 0.0005:
        return (f"Late in the run the class's society was where the built-in policy alone leaves it "
                f"(expressing {mine['expression_late']:.3f}, trust {mine['trust_late']:.3f}).")
    way = "less" if change < 0 else "more"
    return (f"Late in the run the class's society expressed {abs(change):.3f} {way} than with the "
            f"built-in policy alone ({mine['expression_late']:.3f} against {theirs['expression_late']:.3f}), "
            f"with trust {'higher' if trust >= 0 else 'lower'} by {abs(trust):.3f}.")
