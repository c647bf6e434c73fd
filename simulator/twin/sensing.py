"""Monitor and Analyze in the twin: what the loop senses, and how widely it varies.

The twin has no districts, but Monitor clips each district's noisy reading
to [0, 1] and Analyze flags districts one by one. The twin takes district
values as normal around the mean (``expectations.py``); this module gives
the mean readings and that spread.
"""

from __future__ import annotations

import math

import numpy as np

from .expectations import clipped_mean

__all__ = ["reports", "sensed", "district_spread"]


def reports(p, participation: float) -> tuple[float, float]:
    """Share reporting through services, and the noise on reported need
    (Monitor knows need only from participants: fewer reports, more noise;
    below ``twin.min_reporting`` the noise stops growing)."""
    reported = p.monitor_participation_sensing * participation
    return reported, p.monitor_noise / math.sqrt(max(reported, p.twin_min_reporting))


def sensed(p, s, district_size: float) -> np.ndarray:
    """What Monitor reports now (it reaches Analyze after the delay):
    expression, need and participation."""
    noise, E, n, Q = p.monitor_noise, s.expression, s.need, s.participation
    reported, need_sd = reports(p, Q)
    seen = 1.0 - (1.0 - p.monitor_coverage) * (1.0 - reported)
    sampling = max(E, 0.0) * (1.0 - seen) / max(seen * district_size, 1.0)
    return np.array([clipped_mean(E, math.sqrt(noise ** 2 + sampling)),
                     clipped_mean(n, need_sd), clipped_mean(Q, noise)])


def district_spread(p, participation: float, filtered_var: float, need_var: float) -> float:
    """Spread of estimated tension across districts: measurement noise through
    Analyze's filter (``filtered_var`` of it passes), plus ``need_var``, the
    variance of need that uneven disturbances leave."""
    w, noise = p.analyze_need_weight, p.monitor_noise
    need_sd = reports(p, participation)[1]
    measured = filtered_var * ((1 - w) ** 2 * noise ** 2 + w ** 2 * need_sd ** 2)
    return math.sqrt(measured + w * w * need_var + 1e-8)
