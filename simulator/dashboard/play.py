"""Play the loop: the student is the Plan stage (as in the Beer Game).

Each step the student sees only what Monitor reports and Analyze makes of
it (delayed, noisy, partial), sets how much of the budget to use, the lever
mix and incentives, and applies it. At the end a score sheet sets the
student's run beside the built-in policies on the same seed, scenario and
number of steps. Self-optimizing is off in every run of the game, so that
the lever mix is the player's alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..experiments.metrics import summarize
from ..loop.contracts import Assessment, Plan
from ..loop.knowledge import Settings
from ..loop.plan import POLICIES
from ..model import GovernanceModel
from ..scenario import Scenario

__all__ = ["Allocation", "StudentPlanner", "play_model", "score_sheet", "PLAY_STEPS", "SCORE_COLUMNS"]

#: Steps in one game: long enough to meet a delay, short enough for a seminar.
PLAY_STEPS = 40
#: Overrides of every run in the game (the student's and the built-in policies').
GAME = {"optimizing.enabled": False}
#: Metrics on the score sheet, with the direction that is better.
SCORE_COLUMNS: dict[str, str] = {
    "expression_late": "lower", "latent_late": "lower", "trust_late": "higher",
    "need_late": "lower", "cost_late": "lower", "collapsed": "lower",
}


@dataclass
class Allocation:
    """What the student decides each step."""

    intensity: float = 0.5        # share of the lever budget to spend
    soft_share: float = 0.5       # share of it as accommodation (the rest is constraint)
    incentive_share: float = 0.1  # share of it as incentives to participate
    focus: bool = True            # spend it on the districts in fault (else evenly)


class StudentPlanner:
    """Stands in for :class:`simulator.loop.plan.Planner` and applies the student's allocation."""

    def __init__(self, config) -> None:
        self.config = config
        self.allocation = Allocation()

    def plan(self, assessment: Assessment, settings: Settings, budget: float,
             mobilise: np.ndarray, repair: np.ndarray | None) -> Plan:
        a, cap = self.allocation, self.config.execute.max_intensity
        districts = assessment.tension.size
        spend = budget * float(np.clip(a.intensity, 0.0, 1.0))
        levers = spend * (1.0 - a.incentive_share)
        faults = assessment.faults.astype(float)
        weights = faults / faults.sum() if a.focus and faults.any() else np.full(districts, 1 / districts)
        per_district = levers * weights
        return Plan(
            step=assessment.step,
            accommodate=np.minimum(per_district * a.soft_share, cap),
            constrain=np.minimum(per_district * (1.0 - a.soft_share), cap),
            incentivise=np.full(districts, min(cap, spend * a.incentive_share / districts)),
            mobilise=np.minimum(np.asarray(mobilise, float), cap),
        )


def play_model(scenario: Scenario, seed: int) -> GovernanceModel:
    """A model whose Plan stage is the student (``model.loop.planner``)."""
    game = scenario.with_changes(overrides=GAME)
    return GovernanceModel.from_scenario(game, seed=seed, steps=min(PLAY_STEPS, scenario.steps),
                                         planner=StudentPlanner(game.config))


def score_sheet(model: GovernanceModel, scenario: Scenario, seed: int) -> pd.DataFrame:
    """The student's run beside every built-in policy, same seed and steps."""
    rows = [{"who": "you", **summarize(model.series())}]
    for policy in POLICIES:
        rival = GovernanceModel.from_scenario(scenario, seed=seed, steps=model.steps,
                                              overrides={**GAME, "plan.policy": policy})
        rows.append({"who": f"policy '{policy}'", **summarize(rival.run().series())})
    table = pd.DataFrame(rows)[["who", *SCORE_COLUMNS]]
    return table
