"""Files: one atomic writer, run directories with one provenance record, runs as functions.

``files``       the one atomic writer, and the readers and writers of tables and JSON
``provenance``  the one record of what made an output folder
``rundir``      run directories that appear whole or not at all
``runs``        ``run`` and ``compare`` as library functions
``twinruns``    ``twin`` and ``equilibria`` as library functions
``sweeps``      ``sweep`` as a library function, resumable, leaving nothing behind if it fails early
``robustness``  ``robustness`` as a library function: a scenario's claims under moderate changes
"""
