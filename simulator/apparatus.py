"""The apparatus: the executing agencies, and managing the managers.

Each agency (a ``mesa.Agent``) executes the plan in a band of districts.
Its *alignment* with the centre erodes in proportion to the coercive
capacity (constraint and mobilisation) concentrated in its hands, and is
restored by oversight, which grows with centralisation and costs capacity.
This is the first limit of automation in Hoffman's account: the contest for
power inside the apparatus. (The second, weak horizontal coordination, is
``structure.sharing``, which cuts implementation loss in Execute.)

    alignment <- alignment - drift * coercion * alignment
                           + oversight * centralisation * (1 - alignment)
"""

from __future__ import annotations

import mesa
import numpy as np

from .config import Config
from .contracts import Delivery

__all__ = ["Agency", "Apparatus"]


class Agency(mesa.Agent):
    """One executing agency: a band of districts and an alignment in [0, 1]."""

    def __init__(self, model: mesa.Model, districts: np.ndarray):
        super().__init__(model)
        self.districts = districts
        self.alignment = 1.0
        self.coercion = 0.0  # coercive capacity held, per district, last step

    def update(self, coercion: float, drift: float, oversight: float) -> None:
        self.coercion = coercion
        self.alignment += -drift * coercion * self.alignment + oversight * (1.0 - self.alignment)
        self.alignment = min(1.0, max(0.0, self.alignment))


class Apparatus:
    """All agencies, and the mapping from districts to the agency serving them."""

    def __init__(self, model: mesa.Model, config: Config, agency_of_district: np.ndarray):
        self.config = config
        self.agency_of_district = agency_of_district
        count = config.apparatus.agencies
        self.agencies = [Agency(model, np.flatnonzero(agency_of_district == a)) for a in range(count)]
        self._size = np.maximum(np.bincount(agency_of_district, minlength=count), 1)

    def alignment_by_district(self) -> np.ndarray:
        values = np.array([a.alignment for a in self.agencies])
        return values[self.agency_of_district]

    def mean_alignment(self) -> float:
        return float(np.mean([a.alignment for a in self.agencies if a.districts.size]))

    def oversight_cost(self, centralisation: float, districts: int) -> float:
        """Capacity that oversight uses this step (whole system)."""
        return self.config.apparatus.oversight_cost * centralisation * districts

    def step(self, delivery: Delivery, centralisation: float) -> None:
        a = self.config.apparatus
        coercive = delivery.constrain + delivery.mobilise
        held = np.bincount(self.agency_of_district, weights=coercive, minlength=len(self.agencies)) / self._size
        for agency, coercion in zip(self.agencies, held):
            agency.update(float(coercion), a.drift, a.oversight * centralisation)
