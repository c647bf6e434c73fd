"""The one interface of every loop: Monitor, Analyze, Plan, Execute over Knowledge.

IBM's autonomic manager is a MAPE-K loop, and Hoffman's *Programming China*
reads the four self-* objectives the same way: within each of them "is
another control loop". So each loop here, the fast governance loop and the
four self-* loops, is one :class:`MapeLoop` and says the same five things:

* its **scope**: ``"district"`` (it decides for each district apart) or
  ``"system"`` (one decision for the whole);
* its **pace**: when it takes a turn (every step, every ``period`` steps,
  or when a trigger fires), in :meth:`MapeLoop.due`;
* its four stages, as four methods: :meth:`~MapeLoop.monitor` reads what
  it watches (the society's district aggregates for the fast loop; for a
  self-* loop, the shared :class:`~simulator.loop.knowledge.Knowledge`),
  :meth:`~MapeLoop.analyze` draws its conclusion, :meth:`~MapeLoop.plan`
  decides, and :meth:`~MapeLoop.execute` acts: the fast loop on the society,
  a self-* loop by writing its decision into Knowledge, where the loop it
  steers reads it.

Every loop sees aggregates only: district or system figures, never an agent.

A turn keeps what each stage produced (:class:`Turn`), so the dashboard and
the narrator can say, per loop, what it saw, concluded and did last.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .knowledge import Knowledge

__all__ = ["MapeLoop", "Turn"]


@dataclass(frozen=True)
class Turn:
    """One turn of a loop: the step, and what its stages produced."""

    step: int
    saw: Any
    concluded: Any
    did: Any


class MapeLoop:
    """A MAPE-K loop: subclasses give the scope, the pace and the four stages."""

    #: Name shown to students, e.g. ``"self-healing"``.
    name: ClassVar[str]
    #: ``"district"`` or ``"system"``.
    scope: ClassVar[str]

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last: Turn | None = None

    @property
    def pace(self) -> str:
        """When the loop takes a turn, in words."""
        return "every step"

    def due(self, step: int) -> bool:
        """Whether the loop takes a turn at ``step``."""
        return True

    def monitor(self, step: int, knowledge: Knowledge) -> Any:
        raise NotImplementedError

    def analyze(self, symptoms: Any) -> Any:
        raise NotImplementedError

    def plan(self, analysis: Any, knowledge: Knowledge) -> Any:
        raise NotImplementedError

    def execute(self, step: int, decision: Any, knowledge: Knowledge) -> None:
        raise NotImplementedError

    def turn(self, step: int, knowledge: Knowledge) -> bool:
        """Run the four stages once if the loop is on and due; return whether it ran."""
        if not (self.enabled and self.due(step)):
            return False
        saw = self.monitor(step, knowledge)
        concluded = self.analyze(saw)
        did = self.plan(concluded, knowledge)
        self.execute(step, did, knowledge)
        self.last = Turn(step, saw, concluded, did)
        return True

    def explain(self, turn: Turn) -> tuple[str, str, str]:
        """What the loop saw, concluded and did on ``turn``, one short sentence each."""
        raise NotImplementedError
