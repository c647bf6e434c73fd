"""The dashboard pages (Solara). ``govsim demo`` serves :func:`Page`.

Which scenario, and whether the student plays the Plan stage, come from
the environment that ``govsim demo`` sets (:mod:`.server`: the scenario
itself travels, not its name). Every browser session renders its own
``Page`` and so builds its own model: two students on one server never
share one.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from ..narrate import describe_loops, describe_step
from ..scenario import ABOUT_SECTIONS
from .charts import FELT_AND_SEEN, LEVERS, MAP_QUANTITIES, district_map, district_values, forecast_chart, line_chart
from .controls import DashboardModel, model_params
from .look import CHART, STYLE, Heading, Paragraph
from .play_page import PlayPage
from .server import demo_play, demo_scenario

__all__ = ["Page"]

def About(model):
    """The scenario's question and about text."""
    sc = demo_scenario()
    with solara.Card(sc.title) as card:
        Paragraph("Question", sc.question)
        if "what_to_notice" in sc.about:
            Paragraph("What to notice", sc.about["what_to_notice"])
        with solara.Details("More about this scenario"):
            for section in ABOUT_SECTIONS:
                if section in sc.about and section != "what_to_notice":
                    Paragraph(section.replace("_", " ").capitalize(), sc.about[section])
    return card


def DistrictMap(model):
    """The districts coloured by a quantity the instructor picks."""
    quantity = solara.use_reactive("tension")
    with solara.Card("Districts") as card:
        solara.Select("Colour districts by", value=quantity, values=list(MAP_QUANTITIES))
        solara.FigureEcharts(district_map(district_values(model, quantity.value), quantity.value,
                                          model.steps), attributes=CHART)
        solara.Text(MAP_QUANTITIES[quantity.value])
    return card


def FeltAndSeen(model):
    frame = model.series()
    with solara.Card("What is felt and what is seen") as card:
        solara.FigureEcharts(line_chart(frame, FELT_AND_SEEN, "share of agents", ymax=1.0),
                             attributes=CHART)
    return card


def Levers(model):
    frame = model.series()
    with solara.Card("Lever allocation") as card:
        solara.FigureEcharts(line_chart(frame, LEVERS, "delivered per district"), attributes=CHART)
    return card


def Forecast(model):
    """The predictive policy's last forecast: what it saw, expected, and acted on."""
    predictive = getattr(model.loop.planner, "predictive", None)
    forecast = predictive.forecast if predictive is not None else None
    with solara.Card("What the predictive Plan forecast") as card:
        if forecast is None:
            Paragraph("Not yet", "The predictive policy forecasts from its first decision on.")
        else:
            solara.FigureEcharts(forecast_chart(model.series(), forecast), attributes=CHART)
            solara.Text("Its own model chose this step's response: it learned that responding lowers "
                        "tension." if forecast.confident else
                        "Its model is not yet sure that responding lowers tension, so the pid rule "
                        "chose; the dashed lines are what the model would say.")
    return card


def MapeK(model):
    """What each stage of the fast loop, and each self-* loop, saw and did last, in words."""
    with solara.Card(f"The loops at step {model.steps}") as card:
        if model.steps == 0:
            Paragraph("Not started", "Press Step or ▶: the loop has not acted yet.")
        else:
            report = model.report()
            Heading("The governance loop: every step, district by district")
            for stage, text in describe_step(report).items():
                Paragraph(stage, text)
            Heading("The self-* loops: each a MAPE-K loop over Knowledge")
            for loop in describe_loops(report):
                when = "" if loop.step in (None, report.step) else f"; last turn at step {loop.step}"
                Paragraph(f"{loop.name.capitalize()} ({loop.scope}, {loop.pace}{when})",
                          " ".join(w for w in (loop.saw, loop.concluded, loop.did) if w))
    return card


@solara.component
def Panels(model):
    """The main area: two columns of cards, redrawn after every step."""
    update_counter.get()  # Mesa's controller bumps this after each step
    with solara.Columns([1, 1]):
        with solara.Column():
            About(model)
            DistrictMap(model)
        with solara.Column():
            MapeK(model)
            if model.config.plan.policy == "predictive":
                Forecast(model)
            FeltAndSeen(model)
            Levers(model)


@solara.component
def Demo():
    sc = demo_scenario()
    first = solara.use_memo(lambda: DashboardModel(scenario=sc, seed=sc.seed), [])
    model: solara.Reactive[DashboardModel] = solara.use_reactive(first)  # this session's; Reset replaces it
    solara.Style(STYLE)
    # Mesa's SolaraViz gives the app bar, the controls (play, pause, step, reset) and the
    # parameter inputs; the panels are laid out here, in plain columns
    SolaraViz(model, components=[], model_params=model_params(sc), name=f"govsim · {sc.title}",
              play_interval=200)
    Panels(model.value)


@solara.component
def Page():
    if demo_play():
        PlayPage()
    else:
        Demo()
