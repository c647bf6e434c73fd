"""Experiments: many runs, and what to read from them.

``metrics``        a run's series summarised into headline numbers
``compare``        a scenario's variants over the same seeds
``design``         which parameter points a sweep runs, and the bounds on work
``task``           one run of a batch, as plain data a worker can carry
``engines``        where runs are carried out (serial, processes, Dask)
``sweep``          parameter sweeps, streamed to disk and resumable
``sensitivity``    Sobol' indices from a Saltelli design
``early_warning``  critical slowing down before a tipping point
``measures``       a claim's statistic of one run's series over a window
``robustness``     a scenario's claims judged on fresh seeds under moderate changes
"""
