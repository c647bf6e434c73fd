"""The society: synthetic agents on a toroidal grid, cut into districts.

``agents``   the agents' state (numpy arrays) and their update rules
``grid``     cells, districts, management units and neighbourhood windows
``patrols``  standing enforcement walking at random through the cells

The society's only report is :class:`~simulator.loop.contracts.DistrictState`:
district means and shares, never anything per agent.
"""
