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

from ..config import Config
from .contracts import Delivery

__all__ = ["Agency", "Apparatus", "alignment_change"]


def alignment_change(alignment, coercion, drift: float, oversight: float, centralisation: float):
    """Change of alignment in one step: drift with coercion held, restored by oversight.

    Works on each agency's arrays (the agent model) and on plain floats (the twin).
    """
    return (-drift * coercion) * alignment + (oversight * centralisation) * (1.0 - alignment)


class Agency(mesa.Agent):
    """One executing agency: a band of districts and an alignment in [0, 1].

    Its alignment and coercion live in the apparatus's arrays (one entry per
    agency), so that a step updates all agencies in a few numpy calls.
    """

    def __init__(self, model: mesa.Model, districts: np.ndarray, apparatus: Apparatus, index: int):
        super().__init__(model)
        self.districts = districts
        self._apparatus = apparatus
        self._index = index

    @property
    def alignment(self) -> float:
        return float(self._apparatus.alignment[self._index])

    @property
    def coercion(self) -> float:
        """Coercive capacity held, per district, last step."""
        return float(self._apparatus.coercion[self._index])


class Apparatus:
    """All agencies, and the mapping from districts to the agency serving them."""

    def __init__(self, model: mesa.Model, config: Config, agency_of_district: np.ndarray):
        self.config = config
        self.agency_of_district = agency_of_district
        count = config.apparatus.agencies
        self.alignment = np.ones(count)
        self.coercion = np.zeros(count)
        self.agencies = [Agency(model, np.flatnonzero(agency_of_district == a), self, a)
                         for a in range(count)]
        self._size = np.maximum(np.bincount(agency_of_district, minlength=count), 1)
        self._staffed = np.array([a.districts.size > 0 for a in self.agencies])

    def alignment_by_district(self) -> np.ndarray:
        return self.alignment[self.agency_of_district]

    def mean_alignment(self) -> float:
        values = self.alignment[self._staffed]
        return float(values.sum() / values.size)  # np.mean's number, without its overhead

    def step(self, delivery: Delivery, centralisation: float) -> None:
        a = self.config.apparatus
        coercive = delivery.constrain + delivery.mobilise
        held = np.bincount(self.agency_of_district, weights=coercive, minlength=self.alignment.size) / self._size
        self.coercion = held
        # all agencies at once, the same operations in the same order as one by one
        al = self.alignment
        al = al + alignment_change(al, held, a.drift, a.oversight, centralisation)
        self.alignment = np.minimum(1.0, np.maximum(0.0, al))
