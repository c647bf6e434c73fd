"""govsim: an educational simulator of a generic governance feedback loop.

A synthetic society on a toroidal grid, governed by a MAPE-K loop (Monitor,
Analyze, Plan, Execute over shared Knowledge) with the four self-*
objectives of autonomic computing, after Samantha Hoffman's *Programming
China*. All agents are synthetic, the loop sees only district aggregates,
and nothing scores, ranks or targets individuals.

Typical use::

    from simulator import GovernanceModel
    model = GovernanceModel(scenario="baseline", seed=1).run()
    series = model.series()          # pandas DataFrame, one row per step
"""

from .config import Config
from .errors import GovsimError, ParameterError, ScenarioError
from .model import GovernanceModel
from .parameters import PARAMETERS, Parameter
from .recorder import SERIES
from .scenario import Scenario, load_scenario, scenario_names

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
