"""The four self-* objectives of autonomic computing, each its own MAPE-K loop.

Hoffman's *Programming China* reads IBM's four objectives as the aims of
social management, and within each of them "is another control loop". Each
module here is one such loop, with the interface of
:class:`~simulator.loop.mapek.MapeLoop`, over the shared Knowledge:

=================  ========  ==========================  ==========================================
loop               scope     pace                        what it decides
=================  ========  ==========================  ==========================================
``healing``        district  every step                  a district out of bounds, now or within its
                                                         horizon, is repaired by its local unit
                                                         (source governance)
``protecting``     system    every step; acts in crisis  releases the mobilisation reserve, which
                                                         tires with use and rebuilds when quiet
``optimizing``     system    every ``optimizing.period``  retunes gain, lever mix and incentives
                                                         from the learned lever effects
``configuring``    system    every ``configuring.        restructures: centralisation, unit size,
                             period`` (slowest)          information sharing, capacity
=================  ========  ==========================  ==========================================

Each can be switched off in a scenario (``healing.enabled`` and so on), so a
class can compare the loop with and without it. The model runs them, in
this order, inside the fast loop's turn: after it has analysed and before
it plans.
"""
