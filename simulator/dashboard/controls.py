"""Which parameters the dashboard offers, and the model a reset builds.

The controls are generated from the parameter declarations (range, kind,
meaning) with the scenario's values as their starting points. Only a few
are shown, so that the first screen stays readable on a projector: the
self-* switches, self-healing's look-ahead, the Plan policy, capacity, the two delays, coverage and the
lever mix. Everything else stays as the scenario sets it.
"""

from __future__ import annotations

from typing import Any

from ..model import ScenarioModel
from ..parameters import PARAMETERS
from ..scenario import Scenario

__all__ = ["CONTROLS", "DashboardModel", "model_params"]

#: The controls on the first screen, with a short label each (in this order).
CONTROLS: dict[str, str] = {
    "plan.policy": "Plan policy",
    "plan.capacity": "Capacity per district",
    "plan.soft_share": "Lever mix: share of accommodation",
    "monitor.delay": "Monitor delay (steps)",
    "execute.delay": "Execute delay (steps)",
    "monitor.coverage": "Monitor coverage",
    "healing.horizon": "Self-healing look-ahead (steps)",
    "healing.enabled": "Self-healing",
    "protecting.enabled": "Self-protecting",
    "optimizing.enabled": "Self-optimizing",
    "configuring.enabled": "Self-configuring",
}

#: Slider ends narrower than the declared bounds, where the full range is unusable on a slider.
_SLIDER_HIGH = {"plan.capacity": 2.0, "monitor.delay": 30, "execute.delay": 30, "healing.horizon": 20}


class DashboardModel(ScenarioModel):
    """The model a dashboard reset builds: scenario, seed, and the controls' values.

    Mesa's dashboard calls the model class with every control as a keyword;
    ours are dotted parameter keys (``plan.capacity``), which become overrides.
    """

    def __init__(self, *, scenario: str | Scenario = "baseline", seed: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(scenario=scenario, seed=seed, overrides=kwargs)


def model_params(scenario: Scenario) -> dict[str, Any]:
    """Mesa ``model_params``: the fixed scenario, a seed box and one control per key.

    The scenario is passed itself, not by name, so that a reset rebuilds a
    scenario file that is not shipped as faithfully as a shipped one.
    """
    params: dict[str, Any] = {"scenario": scenario,
                              "seed": {"type": "SliderInt", "label": "Seed", "value": scenario.seed,
                                       "min": 0, "max": max(999, scenario.seed), "step": 1}}
    for key, label in CONTROLS.items():
        p = PARAMETERS[key]
        value = scenario.config[key]
        if p.kind == "bool":
            params[key] = {"type": "Checkbox", "label": label, "value": bool(value)}
        elif p.kind == "choice":
            params[key] = {"type": "Select", "label": label, "value": value, "values": list(p.choices)}
        else:
            assert p.low is not None and p.high is not None  # numbers are declared with bounds
            high = max(_SLIDER_HIGH.get(key, p.high), value)
            if p.kind == "int":
                params[key] = {"type": "SliderInt", "label": label, "value": int(value),
                               "min": int(p.low), "max": int(high), "step": 1}
            else:
                params[key] = {"type": "SliderFloat", "label": label, "value": float(value),
                               "min": float(p.low), "max": float(high), "step": 0.05}
    return params
