"""govsim: an educational simulator of a generic governance feedback loop.

A synthetic society on a toroidal grid, governed by a MAPE-K loop (Monitor,
Analyze, Plan, Execute over shared Knowledge) with the four self-*
objectives of autonomic computing, after Samantha Hoffman's *Programming
China*. All agents are synthetic, the loop sees only district aggregates,
and nothing scores, ranks or targets individuals.

Typical use::

    from simulator import GovernanceModel
    model = GovernanceModel.from_scenario("baseline", seed=1).run()
    series = model.series()          # pandas DataFrame, one row per step

The names below are imported when first used (PEP 562), so that importing
the package, and commands such as ``govsim list``, do not load Mesa, pandas
or scipy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import Config
    from .errors import GovsimError, ParameterError, ScenarioError
    from .model import GovernanceModel
    from .parameters import PARAMETERS, Parameter
    from .scenario import Scenario, load_scenario, scenario_names
    from .series import SERIES

__all__ = [
    "Config",
    "GovernanceModel",
    "GovsimError",
    "PARAMETERS",
    "Parameter",
    "ParameterError",
    "SERIES",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_names",
]

__version__ = "0.1.0"

#: The module each public name comes from.
_HOMES = {
    "Config": "config",
    "GovernanceModel": "model",
    "GovsimError": "errors",
    "PARAMETERS": "parameters",
    "Parameter": "parameters",
    "ParameterError": "errors",
    "SERIES": "recorder",
    "Scenario": "scenario",
    "ScenarioError": "errors",
    "load_scenario": "scenario",
    "scenario_names": "scenario",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # later lookups do not come here again
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
