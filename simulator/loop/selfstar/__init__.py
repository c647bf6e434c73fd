"""The four self-* objectives of autonomic computing, each its own MAPE-K loop."""
