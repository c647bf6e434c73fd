"""The page of ``govsim demo NAME --play``: the student decides, step by step.

The student sees only the loop's own picture (observed expression, the
estimated tension per district, faults), never the true state, until the
game ends; then the score sheet and what really happened are shown.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import solara

from .charts import district_map, line_chart
from .look import CHART, STYLE, Paragraph
from .play import PLAY_STEPS, SCORE_COLUMNS, StudentPlanner, play_model, score_sheet
from .server import demo_scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PlayPage"]

SEEN = {"observed_expression": ("expressing, as the loop sees it", "#0072B2"),
        "tension": ("estimated tension", "#E69F00")}
TRUE = {"latent": ("would express (latent)", "#CC79A7"),
        "expression": ("expressing (true)", "#D55E00"),
        "observed_expression": ("expressing, as the loop saw it", "#0072B2")}


@solara.component
def PlayPage():
    sc = demo_scenario()
    model = solara.use_memo(lambda: play_model(sc, sc.seed), [])
    version = solara.use_reactive(0)  # bumped after every applied step: re-render
    intensity = solara.use_reactive(0.5)
    soft = solara.use_reactive(0.5)
    incentive = solara.use_reactive(0.1)
    focus = solara.use_reactive(True)
    sheet: solara.Reactive[pd.DataFrame | None] = solara.use_reactive(None)
    solara.Style(STYLE)
    steps = min(PLAY_STEPS, sc.steps)
    over = model.steps >= steps

    def apply() -> None:
        planner = model.loop.planner
        assert isinstance(planner, StudentPlanner)  # play_model put the student there
        a = planner.allocation
        a.intensity, a.soft_share = intensity.value, soft.value
        a.incentive_share, a.focus = incentive.value, focus.value
        model.step()
        if model.steps >= steps:
            sheet.set(score_sheet(model, sc, sc.seed))
        version.set(version.value + 1)

    version.get()  # reading it subscribes this page: it re-renders after every step
    frame = model.series()
    report = model.report()
    a = report.assessment
    with solara.AppBar():
        solara.AppBarTitle(f"govsim · play the Plan stage · {sc.title}")
    with solara.Columns([1, 3]):
        with solara.Card("Your decision"):
            solara.SliderFloat("Share of the budget to spend", value=intensity, min=0, max=1, step=0.05)
            solara.SliderFloat("Accommodation share (rest: constraint)", value=soft, min=0, max=1, step=0.05)
            solara.SliderFloat("Incentives to participate", value=incentive, min=0, max=0.5, step=0.05)
            solara.Checkbox(label="Spend on the districts in fault only", value=focus)
            solara.Button("Apply and step", color="primary", on_click=apply, disabled=over)
            solara.Text(f"Step: {model.steps} of {steps}")
        with solara.Column():
            with solara.Card("You are the Plan stage"):
                Paragraph("Question", sc.question)
                Paragraph("How to play", "Each step you see what Monitor reports and what Analyze "
                          "makes of it: old, noisy and partial. Choose how much of the capacity to "
                          "spend, how to split it between accommodation and constraint, and how "
                          "much to spend on incentives to participate; then press Apply. After "
                          f"{steps} steps you will see what really happened, and how the built-in "
                          "policies did on the same society.")
            with solara.Columns([1, 1]):
                with solara.Card("What Monitor and Analyze report"):
                    solara.FigureEcharts(district_map(a.tension.reshape(report.districts_per_side, -1),
                                                      "estimated tension", model.steps),
                                         attributes=CHART)
                    solara.Text(f"{int(a.faults.sum())} of {a.faults.size} districts in fault"
                                + ("; crisis declared" if a.crisis else ""))
                with solara.Card("The loop's picture over time"):
                    solara.FigureEcharts(line_chart(frame, SEEN, "as the loop sees it"),
                                         attributes=CHART)
            if over and sheet.value is not None:
                with solara.Card("Score sheet: your run and the built-in policies, same seed"):
                    ScoreTable(sheet.value)
                with solara.Card("What really happened"):
                    solara.FigureEcharts(line_chart(frame, TRUE, "true state", ymax=1.0),
                                         attributes=CHART)


def ScoreTable(table) -> None:
    """The score sheet as a plain table (late-run means; the better direction in brackets)."""
    head = "".join(f"<th>{html.escape(c)}<br><small>({SCORE_COLUMNS[c]} is better)</small></th>"
                   for c in SCORE_COLUMNS)
    rows = "".join("<tr><td><b>{}</b></td>{}</tr>".format(
        html.escape(str(row["who"])), "".join(f"<td>{row[c]:.3f}</td>" for c in SCORE_COLUMNS))
        for _, row in table.iterrows())
    solara.HTML(tag="table", unsafe_innerHTML=f"<tr><th>run</th>{head}</tr>{rows}",
                style={"font-size": "18px", "border-spacing": "18px 6px"})
