"""The society: synthetic agents on a toroidal grid, cut into districts.

``agents``     the agents' state (numpy arrays), advanced one step at a time
``rules``      the agents' update rules as functions (the twin calls them too)
``districts``  district sums and shares from per-agent arrays
``grid``       cells, districts, management units and neighbourhood windows
``patrols``    standing enforcement walking at random through the cells

The society's only report is :class:`~simulator.loop.contracts.DistrictState`:
district means and shares, never anything per agent.
"""
