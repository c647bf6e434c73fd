"""The system-dynamics twin: the same loop as stocks and flows.

``stocks``           the twin's stocks and flows (GovernanceTwin)
``society``          the mean society's response, from the agents' own rules
``sensing``          Monitor's view and the spread of tension across districts
``plan``             the policies' expected response under that spread
``meanfield``        the agents' decision averaged over their distributions
``expectations``     closed-form expectations under a normal district spread
``delays``           delays as chains of first-order stages
``delayed_feedback`` the smallest loop that oscillates, for the lesson on delay
``solve``            trajectories with ``solve_ivp``
``fixedpoints``      fixed points and their stability (the Jacobian's eigenvalues)
``equilibria``       scans: every branch of fixed points over one parameter
``bifurcations``     what a scan shows: stability changes, swings, folds, hysteresis
``reading``          the same in words
"""
