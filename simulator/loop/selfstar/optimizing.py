"""Self-optimizing: retune the fast loop's gain, lever mix and incentives.

Its own MAPE-K loop, at the scope of the whole system, every
``optimizing.period`` steps:

* **Monitor** reads the last period's history from Knowledge (the error
  against the set-point, observed participation) and the lever effects
  Knowledge has learned.
* **Analyze** asks three questions: is the fast loop hunting around the
  set-point (the error changes sign often) or persistently above it? Which
  lever lowered the objective more? Can the loop see need (is participation,
  its sensor of need, below target)?
* **Plan** moves each setting one ``optimizing.step``: calmer or harder gain,
  more of the better lever, more or fewer incentives.
* **Execute** writes the new settings into Knowledge.

What "lowered the objective" means is this loop's choice, and Goodhart's
lesson: estimated tension, or only the observed expression indicator
(``optimizing.objective``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...config import Config
from ..contracts import Assessment
from ..knowledge import Knowledge
from ..mapek import MapeLoop, Turn

__all__ = ["SelfOptimizing"]


@dataclass(frozen=True)
class _Seen:
    error: float  # mean system error over the period
    sign_changes: int  # how often the error crossed the set-point
    steps: int
    participation: float  # mean observed participation over the period
    effect_soft: float  # learned change of the objective per unit of accommodation
    effect_hard: float  # ... and per unit of constraint


@dataclass(frozen=True)
class _Judged:
    hunting: bool
    above: bool
    better: float  # +1: accommodation lowered the objective more, -1: constraint did
    blind: bool  # participation below target: the loop cannot see need


class SelfOptimizing(MapeLoop):
    """Slow: retune the fast loop's gain, the lever mix and incentives."""

    name = "self-optimizing"
    scope = "system"

    def __init__(self, config: Config):
        super().__init__(config.optimizing.enabled)
        self.config = config

    @property
    def pace(self) -> str:
        return f"every {self.config.optimizing.period} steps"

    def due(self, step: int) -> bool:
        return step % self.config.optimizing.period == 0

    def objective(self, assessment: Assessment) -> np.ndarray:
        """What this loop tries to lower, per district (Goodhart's choice).

        Knowledge learns the lever effects on this objective every step.
        """
        if self.config.optimizing.objective == "observed":
            return assessment.expression
        return assessment.tension

    def monitor(self, step: int, knowledge: Knowledge) -> _Seen | None:
        recent = knowledge.recent(self.config.optimizing.period)
        if len(recent) < 2:  # nothing to judge yet
            return None
        effect_soft, effect_hard = knowledge.lever_effects()
        errors = np.array([r.error for r in recent])
        return _Seen(error=float(errors.mean()), sign_changes=int(np.count_nonzero(np.diff(np.sign(errors)))),
                     steps=errors.size,
                     participation=float(np.mean([r.observed_participation for r in recent])),
                     effect_soft=effect_soft, effect_hard=effect_hard)

    def analyze(self, seen: _Seen | None) -> _Judged | None:
        if seen is None:
            return None
        return _Judged(hunting=seen.sign_changes > seen.steps // 4, above=seen.error > 0,
                       better=float(np.sign(seen.effect_hard - seen.effect_soft)),
                       blind=seen.participation < self.config.optimizing.participation_target)

    def plan(self, judged: _Judged | None, knowledge: Knowledge) -> dict[str, float] | None:
        if judged is None:
            return None
        o, s = self.config.optimizing, knowledge.settings
        gain = s.gain
        if judged.hunting:  # hunting around the set-point: calm down
            gain *= 1.0 - o.step
        elif judged.above:  # persistently above the set-point: push harder
            gain *= 1.0 + o.step
        # give more of the mix to the lever that lowered the objective more
        soft = s.soft_share + o.step * judged.better
        # participation is sensing: buy it while the loop cannot see need
        incentive = s.incentive_share + (o.step if judged.blind else -o.step / 2)
        return {"gain": float(np.clip(gain, 0.0, 50.0)),
                "soft_share": float(np.clip(soft, 0.0, 1.0)),
                "incentive_share": float(np.clip(incentive, 0.0, 0.5))}

    def execute(self, step: int, settings: dict[str, float] | None, knowledge: Knowledge) -> None:
        if settings is not None:
            knowledge.update_settings(**settings)

    def explain(self, turn: Turn) -> tuple[str, str, str]:
        seen: _Seen | None = turn.saw
        judged: _Judged | None = turn.concluded
        if seen is None or judged is None:
            return "Too little history to judge.", "Wait.", "Changed nothing."
        crossings = {0: "never", 1: "once", 2: "twice"}.get(seen.sign_changes, f"{seen.sign_changes} times")
        saw = (f"Mean error {seen.error:+.3f} over {seen.steps} steps, crossing the set-point "
               f"{crossings}; observed "
               f"participation {seen.participation:.2f}; learned effects: accommodation "
               f"{seen.effect_soft:+.3f}, constraint {seen.effect_hard:+.3f} per unit.")
        gain = "hunting: calm the gain" if judged.hunting else (
            "persistently above the set-point: raise the gain" if judged.above else "keep the gain")
        lever = "accommodation" if judged.better > 0 else "constraint" if judged.better < 0 else "neither lever"
        concluded = f"{gain.capitalize()}; {lever} worked better; " + (
            "the loop cannot see need: buy participation." if judged.blind else "it sees enough need.")
        d = turn.did
        did = (f"Gain {d['gain']:.2f}, lever mix {100 * d['soft_share']:.0f} % soft, "
               f"incentives {100 * d['incentive_share']:.0f} % of the budget.")
        return saw, concluded, did
