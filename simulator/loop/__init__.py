"""The governance loops: MAPE-K over district aggregates.

``mapek``       the one interface every loop shares (scope, pace, four stages)
``contracts``   the frozen values that cross from one stage to the next
``monitor``     the sensory channel (coverage, noise, delay)
``analyze``     tension, trend, faults and crisis
``plan``        policies that share the capacity budget across districts
``predictive``  the model-predictive policy: learn, forecast through the pipeline, choose
``foresight``   its internal model of tension: fit online, forecast, best response
``execute``     the motor channel (delay, loss, the agencies' alignment)
``governance``  the fast loop that runs those four stages every step
``knowledge``   settings, assessment, history and learned lever effects: where the loops meet
``capacity``    what monitoring and oversight cost, and what is left for the levers
``apparatus``   the executing agencies and their alignment with the centre
``selfstar``    the four self-* objectives, each a MAPE-K loop of its own
"""
