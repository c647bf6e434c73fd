"""The governance loop: MAPE-K over district aggregates.

``contracts``  the frozen values that cross from one stage to the next
``monitor``    the sensory channel (coverage, noise, delay)
``analyze``    tension, trend, faults and crisis
``plan``       policies that share the capacity budget across districts
``execute``    the motor channel (delay, loss, the agencies' alignment)
``knowledge``  settings, history and learned lever effects, shared by all
``apparatus``  the executing agencies and their alignment with the centre
``selfstar``   the four self-* objectives, each a MAPE-K loop of its own
"""
