"""Capacity accounting: what the loop can spend on its levers, and what it spent.

Capacity is counted per district per step. Monitoring and oversight are
paid first (the overheads); what is left is the budget Plan shares out
across districts and levers. The agent model and the twin both call these
functions, so the two cannot count differently.
"""

from __future__ import annotations

__all__ = ["overheads", "lever_budget", "spent"]


def overheads(monitor_cost: float, coverage: float, oversight_cost: float,
              centralisation: float, districts: int = 1) -> float:
    """Capacity that monitoring and oversight take this step, over ``districts``."""
    monitoring = monitor_cost * coverage * districts
    oversight = oversight_cost * centralisation * districts
    return monitoring + oversight


def lever_budget(capacity: float, overhead: float, districts: int = 1) -> float:
    """Capacity left for the levers after the overheads (``capacity`` per district)."""
    return max(0.0, capacity * districts - overhead)


def spent(levers: float, overhead: float, districts: int = 1) -> float:
    """Capacity spent this step per district: levers delivered plus overheads."""
    return float((levers + overhead) / districts)
