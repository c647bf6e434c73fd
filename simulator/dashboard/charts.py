"""Chart specifications for the dashboard, as plain data (ECharts options).

The browser draws the charts (ECharts ships with solara-assets, so nothing
comes from the internet); the server only sends these small dictionaries,
which keeps a step's round trip short. Every chart is built from aggregate
series or district aggregates. Colours are the Okabe-Ito palette; the map
uses cividis, which stays readable under colour blindness and in greyscale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..viz.figures import OKABE_ITO as C

__all__ = ["MAP_QUANTITIES", "district_values", "district_map", "line_chart", "forecast_chart",
           "FELT_AND_SEEN", "LEVERS", "FORECAST_PAST"]

#: What the map can show: label -> what it means.
MAP_QUANTITIES: dict[str, str] = {
    "tension": "the loop's estimate of tension (what the loop believes)",
    "need": "mean need (true)",
    "trust": "mean trust (true)",
    "expression": "share expressing (true)",
    "latent": "share who would express if unafraid (true)",
}

#: Series of the 'felt and seen' chart: column -> (label, colour).
FELT_AND_SEEN: dict[str, tuple[str, str]] = {
    "latent": ("would express (latent)", C["reddish_purple"]),
    "expression": ("expressing (true)", C["vermillion"]),
    "observed_expression": ("expressing, as the loop sees it", C["blue"]),
}

#: Series of the lever chart.
LEVERS: dict[str, tuple[str, str]] = {
    "accommodate": ("accommodate", C["bluish_green"]),
    "constrain": ("constrain", C["vermillion"]),
    "incentivise": ("incentivise", C["orange"]),
    "mobilise": ("mobilise", C["reddish_purple"]),
}

_FONT = 18  # legible from the back of a lecture hall


def district_values(model, quantity: str) -> np.ndarray:
    """One value per district, laid out as the k x k grid of districts."""
    report = model.report()
    k = report.districts_per_side
    if quantity == "tension":
        values = report.assessment.tension
    elif quantity in MAP_QUANTITIES:
        values = getattr(report.truth, quantity)
    else:
        raise ValueError(f"unknown map quantity {quantity!r}; one of {', '.join(MAP_QUANTITIES)}")
    return np.asarray(values, dtype=float).reshape(k, k)


def district_map(values: np.ndarray, quantity: str, step: int) -> dict:
    """A heatmap of the districts (row 0 at the top), scaled 0 to 1."""
    k = values.shape[0]
    data = [[col, k - 1 - row, round(float(values[row, col]), 4)]
            for row in range(k) for col in range(k)]
    return {
        "animation": False,
        "title": {"text": f"{quantity} by district, step {step}", "textStyle": {"fontSize": _FONT}},
        "tooltip": {"position": "top"},
        "grid": {"left": 40, "right": 90, "top": 50, "bottom": 30},
        "xAxis": {"type": "category", "data": list(range(k)), "show": False},
        "yAxis": {"type": "category", "data": list(range(k)), "show": False},
        "visualMap": {"min": 0, "max": 1, "calculable": True, "orient": "vertical", "right": 0,
                      "top": "middle", "textStyle": {"fontSize": _FONT - 4},
                      "inRange": {"color": ["#00204D", "#414D6B", "#7C7B78", "#BCAF6F", "#FFEA46"]}},
        "series": [{"name": quantity, "type": "heatmap", "data": data,
                    "itemStyle": {"borderColor": "#ffffff", "borderWidth": 1}}],
    }


def line_chart(frame: pd.DataFrame, series: dict[str, tuple[str, str]], title: str,
               ymax: float | None = None) -> dict:
    """Lines over time for the given columns of the recorded series."""
    steps = frame["step"].tolist()
    return {
        "animation": False,
        "title": {"text": title, "textStyle": {"fontSize": _FONT}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 30, "textStyle": {"fontSize": _FONT - 4}},
        "grid": {"left": 60, "right": 20, "top": 80, "bottom": 40},
        "xAxis": {"type": "category", "data": steps, "name": "step",
                  "axisLabel": {"fontSize": _FONT - 4}},
        "yAxis": {"type": "value", "min": 0, **({"max": ymax} if ymax else {}),
                  "axisLabel": {"fontSize": _FONT - 4}},
        "series": [{"name": label, "type": "line", "showSymbol": False, "color": colour,
                    "lineStyle": {"width": 3},
                    "data": [round(float(v), 4) for v in frame[column].to_numpy()]}
                   for column, (label, colour) in series.items()],
    }


#: Steps of the loop's estimated tension the forecast chart shows before the forecast starts.
FORECAST_PAST = 40


def forecast_chart(frame: pd.DataFrame, forecast) -> dict:
    """What the predictive policy acted on: the tension it saw, and its two forecasts.

    ``forecast`` is the policy's last :class:`~simulator.loop.predictive.Forecast`
    (means over the districts): ``without`` the response chosen now, and
    ``planned`` with it. Both are drawn on the loop's own clock: the tension
    recorded at a step is what the loop saw then (``monitor.delay`` steps
    late), and the forecast goes on from the latest of them.
    """
    seen = frame.tail(FORECAST_PAST)
    past = [int(s) for s in seen["step"]]
    ahead = list(range(past[-1] + 1, past[-1] + 1 + len(forecast.planned)))
    steps = past + ahead
    gap = [None] * len(past)

    def line(name, values, colour, dashed=False):
        return {"name": name, "type": "line", "showSymbol": False, "color": colour, "data": values,
                "lineStyle": {"width": 3, "type": "dashed" if dashed else "solid"}}

    return {
        "animation": False,
        "title": {"text": "tension: seen, and forecast", "textStyle": {"fontSize": _FONT}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 30, "textStyle": {"fontSize": _FONT - 4}},
        "grid": {"left": 60, "right": 20, "top": 80, "bottom": 40},
        "xAxis": {"type": "category", "data": steps, "name": "step", "axisLabel": {"fontSize": _FONT - 4}},
        "yAxis": {"type": "value", "min": 0, "axisLabel": {"fontSize": _FONT - 4}},
        "series": [
            line("seen (the loop's estimate)", [round(float(v), 4) for v in seen["tension"]] + [None] * len(ahead),
                 C["blue"]),
            line("forecast: only the orders on their way", gap + [round(v, 4) for v in forecast.without],
                 C["vermillion"], dashed=True),
            line("forecast with the response it chose", gap + [round(v, 4) for v in forecast.planned],
                 C["bluish_green"], dashed=True),
            line("set-point", [forecast.setpoint] * len(steps), C["black"]),
        ],
    }
