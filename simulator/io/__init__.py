"""Files: what the package writes, and how.

``files``       the one atomic writer, and the records and tables it writes and reads
``rundir``      a run directory that appears whole or not at all
``provenance``  the one record of what made a folder of results
``runs``        ``run`` and ``compare`` as library functions that write their folder
``twinruns``    ``twin`` and ``equilibria`` likewise
"""
