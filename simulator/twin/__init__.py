"""The system-dynamics twin: the same loop as stocks and flows.

``stocks``           the twin's stocks and flows (GovernanceTwin)
``meanfield``        the society's expected response to its aggregate state
``expectations``     closed-form expectations under a normal district spread
``delays``           delays as chains of first-order stages
``delayed_feedback`` the smallest loop that oscillates, for the lesson on delay
``solve``            trajectories with ``solve_ivp``
``equilibria``       fixed points, their stability, and scans of branches
"""
