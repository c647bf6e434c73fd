"""Figures (the only part of the package that imports matplotlib).

``figures``    the shared look, a run's dashboard and a comparison
``sweeps``     sweep and sensitivity figures
``animation``  the animated district map
``twin``       the twin's trajectories and branches
``robustness`` where a lesson stops being true, along the key parameter
"""
