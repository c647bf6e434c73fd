"""The society: N synthetic agents whose state lives in numpy arrays.

Every attribute is one array with one entry per agent; a step is a handful
of vectorised operations and there is no per-agent Python code. Agents are
generated from parametric distributions: there is no loader for records of
real people.

Per agent: baseline need and need, trust, risk aversion, a private
threshold, whether it expresses its grievance, whether it participates in
the loop's services, and how many steps of temporary removal it has left.
Per district: the unresolved *pressure* of each disturbance type, which is
where disturbances land and where accommodation acts.

The society never hands out anything per agent. :meth:`Society.aggregate`
is its only report, and it holds district means and shares.

Update rules (``d`` is the agent's district, ``acc``/``con`` the delivered
accommodation and constraint, mobilisation counting as both):

* pressure ``P[d,j] <- (P[d,j] + arrivals) (1 - decay) exp(-a acc[d] m_j)``;
  a shock also adds its size to the need of every agent in a district it hits;
  where ``m_j`` is 1 for a type with a matching response, else
  ``levers.unmatched_effect``;
* need ``n <- n + rate (base + sum_j P[d,j] - n) + noise``;
* trust ``t <- t + ta acc (1 - t) - (tc con + tn n + tr removed[d]) t + rec (t0 - t)``;
* grievance ``G = n (1 - t)`` (hardship times illegitimacy, Epstein 2002);
* perceived arrest probability ``p = 1 - exp(-k (C + eyes) / (1 + c A))`` with
  ``C`` patrols (a density of standing enforcement plus ``levers.presence``
  per unit of constraint; patrols walk at random, see ``patrols.py``) and
  ``A`` other expressers within vision, ``eyes`` the
  visible monitoring; net risk ``R = risk_aversion * p``;
* expresses when free and ``G - R > threshold``; latent when ``G > threshold``;
* an expresser is removed with probability ``min(1, removal_rate C / A_now)``,
  ``A_now`` the expressers within vision this step (itself included), so each
  patrol takes about one expresser per step,
  drawn at random: removal depends only on local enforcement presence, which
  is set per district; nothing selects a particular agent.
"""

from __future__ import annotations

import numpy as np

from .config import Config
from .contracts import DistrictState, Delivery
from .grid import Grid, neighbourhood_sum
from .patrols import Patrols

__all__ = ["Society"]


class Society:
    """Synthetic agents on a toroidal grid, advanced one step at a time."""

    def __init__(self, config: Config, grid: Grid, rng: np.random.Generator):
        s = config.society
        self.config = config
        self.grid = grid
        self.rng = rng
        n = s.agents
        self.n = n
        f32 = np.float32

        # place agents on distinct cells
        if n == grid.cells:
            position = np.arange(n)
        else:
            position = rng.choice(grid.cells, size=n, replace=False)
        self.position = position.astype(np.int32)
        self.occupied = np.zeros(grid.cells, dtype=bool)
        self.occupied[self.position] = True
        self.district = grid.district_of_cell[self.position]

        def spread(mean: float, half: float) -> np.ndarray:
            draw = mean + half * (2.0 * rng.random(n, dtype=f32) - 1.0)
            return np.clip(draw, 0.0, 1.0).astype(f32)

        self.need_base = spread(s.need_base, s.need_spread)
        self.need = self.need_base.copy()
        self.trust_initial = spread(s.trust, s.trust_spread)
        self.trust = self.trust_initial.copy()
        self.risk_aversion = rng.random(n, dtype=f32)
        self.threshold = spread(s.threshold, s.threshold_spread)
        self.grievance = self.need * (1.0 - self.trust)
        self.expressing = np.zeros(n, dtype=bool)
        self.expressed = self.expressing
        self.latent = self.grievance > self.threshold
        self.removal = np.zeros(n, dtype=np.int16)
        self._participate(np.zeros(grid.districts))

        d = config.disturbance
        self.types = d.types
        self.pressure = np.zeros((grid.districts, d.types))
        responses = min(config.levers.response_types, d.types)
        self.match = np.full(d.types, config.levers.unmatched_effect)
        self.match[:responses] = 1.0
        self.population = np.bincount(self.district, minlength=grid.districts).astype(float)
        self._removed_share = np.zeros(grid.districts)
        self.shock_now = False
        self.patrols = Patrols(grid, rng)
        self.state = self.aggregate()

    # -- one step -------------------------------------------------------------
    def step(self, step: int, delivery: Delivery, eyes: np.ndarray) -> DistrictState:
        """Advance the society by one step and return its district aggregates.

        Parameters
        ----------
        step : int
            The model step (for scheduled shocks).
        delivery : Delivery
            Lever intensities reaching each district this step.
        eyes : numpy.ndarray
            Visible monitoring per district, in expected observers within
            vision (the chilling effect).
        """
        cfg = self.config
        s, lv = cfg.society, cfg.levers
        mob = lv.mobilise_effect * delivery.mobilise
        accommodation = delivery.accommodate + mob
        constraint = delivery.constrain + mob

        self._disturb(step, accommodation)
        self._legitimacy_shock(step)

        d = self.district
        # need follows baseline plus local unresolved pressure
        target = self.need_base + self.pressure.sum(axis=1).astype(np.float32)[d]
        noise = self.rng.standard_normal(self.n, dtype=np.float32)
        self.need += s.need_rate * (target - self.need) + s.need_noise * noise
        np.clip(self.need, 0.0, 1.0, out=self.need)

        # trust: met needs build it; constraint, unmet need and removals erode it
        gain = (lv.trust_from_accommodation * accommodation)[d]
        loss = (lv.trust_from_constraint * constraint + lv.trust_from_removal * self._removed_share)[d]
        loss = loss + lv.trust_from_need * self.need
        self.trust += gain * (1.0 - self.trust) - loss * self.trust
        self.trust += s.trust_recovery * (self.trust_initial - self.trust)
        np.clip(self.trust, 0.0, 1.0, out=self.trust)

        self.grievance = self.need * (1.0 - self.trust)
        self._express(constraint, eyes)
        self._participate(delivery.incentivise)
        if s.mobility > 0:
            self._move()
        self.state = self.aggregate()
        return self.state

    def _disturb(self, step: int, accommodation: np.ndarray) -> None:
        """Disturbances and shocks add pressure; accommodation resolves it."""
        cfg = self.config
        d, sh = cfg.disturbance, cfg.shock
        rng = self.rng
        shape = self.pressure.shape
        arrivals = (rng.random(shape) < d.rate) * rng.exponential(d.size, shape)
        self.shock_now = step == sh.at_step or (sh.rate > 0 and rng.random() < sh.rate)
        if self.shock_now:
            hit = rng.random(shape[0]) < sh.reach
            kind = rng.integers(shape[1])
            arrivals[hit, kind] += sh.size
            # a shock is felt at once (hardship), not only through pressure
            felt = hit[self.district]
            self.need[felt] = np.minimum(self.need[felt] + np.float32(sh.size), 1.0)
        relief = np.exp(-cfg.levers.accommodation_effect * np.outer(accommodation, self.match))
        self.pressure = (self.pressure + arrivals) * (1.0 - d.decay) * relief

    def _legitimacy_shock(self, step: int) -> None:
        """A fall in everyone's trust, sudden or spread over several steps."""
        sh = self.config.shock
        if sh.trust_drop <= 0 or sh.trust_drop_step < 0:
            return
        if sh.trust_drop_step <= step < sh.trust_drop_step + sh.trust_drop_duration:
            fall = np.float32(sh.trust_drop / sh.trust_drop_duration)
            for arr in (self.trust, self.trust_initial):
                arr -= fall
                np.clip(arr, 0.0, 1.0, out=arr)

    def _express(self, constraint: np.ndarray, eyes: np.ndarray) -> None:
        """Threshold rule with contagion, deterrence and random removal."""
        cfg = self.config
        s, grid, rng = cfg.society, self.grid, self.rng
        side, pos = grid.side, self.position

        # released agents come back; those still removed count down
        removed = self.removal > 0
        self.removal[removed] -= 1
        free = self.removal == 0

        # expressers and patrols within vision (from last step's expression)
        active = np.bincount(pos[self.expressing], minlength=grid.cells).reshape(side, side)
        others = neighbourhood_sum(active, s.vision, s.neighbourhood).ravel()[pos] - self.expressing
        density = s.enforcement + cfg.levers.presence * constraint
        patrols = self.patrols.step(density, walk=s.vision).reshape(side, side)
        presence = neighbourhood_sum(patrols, s.vision, s.neighbourhood).ravel()[pos]

        crowd = 1.0 + s.contagion * others
        ratio = (presence + eyes[self.district]) / crowd
        if s.arrest_rounding == "round":  # whole patrols per expresser: outnumbered
            ratio = np.rint(ratio)          # patrols deter nobody
        elif s.arrest_rounding == "floor":
            ratio = np.floor(ratio)
        risk = 1.0 - np.exp(-s.arrest_k * ratio)
        net = self.grievance - self.risk_aversion * risk
        self.latent = free & (self.grievance > self.threshold)
        self.expressing = free & (net > self.threshold)
        # what was expressed this step, including by those removed for it below
        self.expressed = self.expressing.copy()

        # temporary removal: a random draw from local enforcement presence; each
        # patrol can take about one of the expressers it sees now (Epstein's cops)
        if s.removal_term > 0 and s.removal_rate > 0:
            idx = np.flatnonzero(self.expressing)
            now = np.bincount(pos[idx], minlength=grid.cells).reshape(side, side)
            crowd_now = neighbourhood_sum(now, s.vision, s.neighbourhood).ravel()[pos[idx]]
            chance = s.removal_rate * presence[idx] / np.maximum(crowd_now, 1)
            hit = idx[rng.random(idx.size) < chance]
            self.removal[hit] = rng.integers(1, s.removal_term + 1, size=hit.size)
            self.expressing[hit] = False
            removed_now = np.bincount(self.district[self.removal > 0], minlength=grid.districts)
            self._removed_share = removed_now / np.maximum(self.population, 1.0)

    def _participate(self, incentive: np.ndarray) -> None:
        s, lv = self.config.society, self.config.levers
        chance = s.participation + s.participation_trust * (self.trust - 0.5)
        chance = chance + (lv.incentive_effect * incentive)[self.district]
        draw = self.rng.random(self.n, dtype=np.float32)
        self.participating = (draw < chance) & (self.removal == 0)

    def _move(self) -> None:
        """Free agents try a random empty cell within vision (Epstein's movement)."""
        s, grid, rng = self.config.society, self.grid, self.rng
        movers = np.flatnonzero((rng.random(self.n) < s.mobility) & (self.removal == 0))
        if movers.size == 0:
            return
        r, side = s.vision, grid.side
        y, x = np.divmod(self.position[movers], side)
        y = (y + rng.integers(-r, r + 1, movers.size)) % side
        x = (x + rng.integers(-r, r + 1, movers.size)) % side
        target = (y * side + x).astype(np.int32)
        ok = ~self.occupied[target]
        movers, target = movers[ok], target[ok]
        # two movers wanting one cell: the first in this random order wins
        order = rng.permutation(movers.size)
        _, first = np.unique(target[order], return_index=True)
        chosen = order[first]
        movers, target = movers[chosen], target[chosen]
        self.occupied[self.position[movers]] = False
        self.occupied[target] = True
        self.position[movers] = target
        self.district[movers] = grid.district_of_cell[target]
        self.population = np.bincount(self.district, minlength=grid.districts).astype(float)

    # -- the only report ------------------------------------------------------
    def aggregate(self) -> DistrictState:
        """District aggregates (the society's only output)."""
        D = self.grid.districts
        d = self.district
        pop = np.maximum(self.population, 1.0)

        def share(mask: np.ndarray) -> np.ndarray:
            return np.bincount(d[mask], minlength=D) / pop

        def mean(values: np.ndarray) -> np.ndarray:
            return np.bincount(d, weights=values, minlength=D) / pop

        return DistrictState(
            population=self.population.copy(),
            expression=share(self.expressed),
            latent=share(self.latent),
            need=mean(self.need),
            trust=mean(self.trust),
            grievance=mean(self.grievance),
            participation=share(self.participating),
            removed=share(self.removal > 0),
        )
