"""The system-dynamics twin: the same loop as stocks and flows.

``stocks``           the twin's state and flows (GovernanceTwin): Analyze, Execute,
                     the self-* objectives and the apparatus
``society``          the society's mean stocks, moved by the agents' own rules
``meanfield``        the society's expected response to its aggregate state
``sensing``          what Monitor reports, and the spread across districts
``plan``             Plan's mean demand for each lever, fitted to the budget
``expectations``     closed-form expectations under a normal district spread
``delays``           delays as chains of first-order stages
``delayed_feedback`` the smallest loop that oscillates, for the lesson on delay
``solve``            trajectories with ``solve_ivp``
``equilibria``       fixed points, their stability, and scans of branches

Rules used by the agent model too are not copied here: the twin calls the
agents' functions (``simulator/society/rules.py``, ``loop/execute.py``,
``loop/capacity.py``, ``loop/apparatus.py``).
"""
