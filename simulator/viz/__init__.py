"""Figures (the only part of the package that imports matplotlib).

``look``          the shared look: sizes for a projector, colours, one style per series
``figures``       a run's dashboard and a comparison, as the scenario declares them
``sweeps``        sweep and sensitivity figures, dispatching to
``sweep_grid``    heatmaps and lines over a grid of sampled values,
``sweep_sampled`` per-parameter panels for sampled designs, and
``sweep_labels``  their titles, units, colour maps and number formats
``animation``     the animated district map
``twin``          the twin's trajectories and branches
``robustness``    where a lesson stops being true, along the key parameter
"""
