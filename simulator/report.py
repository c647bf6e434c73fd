"""What a model shows the outside: one step's report, aggregates only.

The recorder, the dashboard, the narrator and the command line read a
model through :meth:`GovernanceModel.report` and nothing else. Every array
in a report has one entry per district; the society's truth is there for
display and for the recorder (the loop itself never sees it: only Monitor
reads the society).
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Config
from .loop.contracts import Assessment, Delivery, DistrictState, Observation, Plan
from .loop.knowledge import Settings
from .loop.mapek import MapeLoop

__all__ = ["Report"]


@dataclass(frozen=True)
class Report:
    """One step of a model, as the outside may see it."""

    step: int
    config: Config
    districts_per_side: int
    agents: int
    truth: DistrictState  # the society's own district aggregates
    observation: Observation  # what Monitor reports (delayed, noisy, partial)
    assessment: Assessment  # what Analyze made of it
    plan: Plan  # what Plan decided this step
    delivery: Delivery  # what reached the districts this step (decided earlier)
    settings: Settings  # Knowledge's current settings
    cost: float  # capacity spent this step, per district
    alignment: float  # mean alignment of the executing agencies
    reserve: float  # mobilisation reserve left, per district
    fatigue: float
    shock: bool  # a shock hit this step
    repairs: int  # districts in fault last step and not now
    selfstar: tuple[MapeLoop, ...]  # the four self-* loops, in the order they run

    @property
    def districts(self) -> int:
        return self.districts_per_side ** 2
