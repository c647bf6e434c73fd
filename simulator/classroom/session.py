"""One classroom session: a shared model, its seats, and every action, logged.

Everything that changes the model goes through :meth:`ClassSession.apply`,
which writes the action to the session log and then carries it out. The
same :meth:`ClassSession.carry_out` replays a log on a fresh model, so a
replay (``govsim replay LOG``) gives the session's series bit for bit, and
a server that was stopped resumes where its log ends.

Actions (``kind``): ``step``; ``hold`` (a student takes a district, with
levers), ``levers`` (a held district's new levers), ``release`` (the
student left: the built-in policy takes over); ``centre`` (the instructor
sets the budget and centralisation; self-configuring stops revising them);
``sharing`` (horizontal information sharing on or off); ``reset`` (the same
scenario and seed, from step 0). ``seat`` (a seat claimed, by key hash),
``pace`` and ``pause`` are written for the record and change no number.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import __version__
from ..loop.capacity import lever_budget
from ..model import GovernanceModel
from ..scenario import Scenario, parse_scenario
from .log import SessionLog
from .managers import DistrictManagers, LocalLevers, delegated_capacity
from .seats import Seats, seat_districts

__all__ = ["ClassSession", "DistrictHistory", "replay", "MODEL_ACTIONS"]

#: Actions that change the model (the others are kept for the record only).
MODEL_ACTIONS = frozenset({"step", "hold", "levers", "release", "centre", "sharing", "reset"})


@dataclass
class DistrictHistory:
    """Per step and district: what each district's monitor reported, the truth, and the levers."""

    seen: list[np.ndarray] = field(default_factory=list)      # observed expression
    true: list[np.ndarray] = field(default_factory=list)      # true expression
    latent: list[np.ndarray] = field(default_factory=list)    # would express if unafraid
    delivered: list[np.ndarray] = field(default_factory=list)  # (3, districts): acc, con, inc

    def record(self, model: GovernanceModel) -> None:
        truth, d = model.society.state, model.delivery
        observation = model.loop.observation
        assert observation is not None  # the model senses on construction
        self.seen.append(np.asarray(observation.expression, float).copy())
        self.true.append(np.asarray(truth.expression, float).copy())
        self.latent.append(np.asarray(truth.latent, float).copy())
        self.delivered.append(np.vstack([d.accommodate, d.constrain, d.incentivise]))

    def of(self, district: int) -> dict[str, list[Any]]:
        """One district's story, as lists."""
        return {"seen": [float(x[district]) for x in self.seen],
                "true": [float(x[district]) for x in self.true],
                "latent": [float(x[district]) for x in self.latent],
                "delivered": [[float(v) for v in x[:, district]] for x in self.delivered]}


class ClassSession:
    """The shared model of a class, its seats, and its log (``None``: a replay)."""

    def __init__(self, scenario: Scenario, seats: int, log: SessionLog | None = None, code: str = ""):
        self.scenario = scenario
        self.seed = scenario.seed
        self.log = log
        self._build()
        self.seats = Seats(seat_districts(seats, self.districts))
        if log is not None:
            log.append({"kind": "session", "govsim": __version__, "scenario": scenario.to_toml(),
                        "seed": self.seed, "seats": seats, "code": code})

    def _build(self) -> None:
        config = self.scenario.config
        # a classroom session has no step limit: the instructor ends it
        self.model = GovernanceModel(config, seed=self.seed, planner=None)
        self.managers = DistrictManagers(config, self.model.grid.units)
        self.model.loop.planner = self.managers
        self.history = DistrictHistory()
        self.history.record(self.model)
        self.sharing = False
        self.instructor_centre = False  # the built-in centre (and self-configuring) until told
        #: the model's actions since the start (or the last reset): what the debrief replays
        self.actions: list[dict[str, Any]] = []

    @property
    def districts(self) -> int:
        return self.model.grid.districts

    @property
    def step_count(self) -> int:
        return int(self.model.steps)

    # -- actions -----------------------------------------------------------------------
    def apply(self, action: dict[str, Any]) -> None:
        """Log ``action``, then carry it out (the server's one way to change anything)."""
        if self.log is not None:
            self.log.append(action)
        self.carry_out(action)

    def carry_out(self, action: dict[str, Any]) -> None:
        kind = action["kind"]
        if kind in MODEL_ACTIONS and kind != "reset":
            self.actions.append(action)
        if kind == "step":
            self.model.step()
            self.history.record(self.model)
        elif kind in ("hold", "levers"):
            district, levers = int(action["district"]), LocalLevers(*action["levers"])
            self.managers.hold(district, levers)
            if district in self.seats.by_district:  # a resumed seat starts from its last levers
                self.seats.by_district[district].levers = levers
        elif kind == "release":
            self.managers.release(int(action["district"]))
        elif kind == "centre":
            self.model.configuring.enabled = False  # the instructor is the centre now
            self.instructor_centre = True
            self.model.knowledge.update_settings(capacity=float(action["capacity"]),
                                                 centralisation=float(action["centralisation"]))
        elif kind == "sharing":
            self.sharing = bool(action["on"])
            self.model.configuring.enabled = False
            self.model.knowledge.update_settings(sharing=1.0 if self.sharing else 0.0)
        elif kind == "reset":
            held = dict(self.managers.held)
            self._build()
            self.managers.held.update(held)  # the students stay in their seats
        elif kind == "seat":
            self.seats.restore(int(action["district"]), str(action["key"]))

    # -- what a seat sees and starts with ------------------------------------------------
    def delegated(self) -> float:
        """Capacity per district that the centre now leaves to the local unit."""
        loop, settings = self.model.loop, self.model.knowledge.settings
        budget = lever_budget(settings.capacity, loop.overheads(settings), self.districts)
        return delegated_capacity(budget, settings, self.districts)

    def builtin_levers(self, district: int) -> LocalLevers:
        """The built-in policy's last local decision in ``district``, as shares of its capacity,
        so that a student taking over does not jolt the district (before the first plan: the
        scenario's lever mix at half the capacity)."""
        plan, delegated = self.model.loop.plan_made, self.delegated()
        if delegated <= 0:
            return LocalLevers()
        if plan.idle:
            s = self.model.knowledge.settings
            levers = 0.5 * (1.0 - s.incentive_share)
            return LocalLevers(round(levers * s.soft_share, 2), round(levers * (1 - s.soft_share), 2),
                               round(0.5 * s.incentive_share, 2))
        assert plan.central is not None
        local = 1.0 - plan.central[district]
        shares = np.array([plan.accommodate[district] * local, plan.constrain[district] * local,
                           plan.incentivise[district]]) / delegated
        shares = np.clip(shares, 0.0, 1.0)
        if shares.sum() > 1.0:
            shares = shares / shares.sum()
        return LocalLevers(*(float(np.floor(x * 100) / 100) for x in shares))


def replay(header: dict[str, Any], actions: Iterable[dict[str, Any]],
           session: ClassSession | None = None) -> ClassSession:
    """Carry out a logged session's actions on a fresh model (or on ``session``)."""
    if session is None:
        scenario = parse_scenario(tomllib.loads(header["scenario"]), source="the session log")
        session = ClassSession(scenario, int(header["seats"]))
    for action in actions:
        session.carry_out(action)
    return session
