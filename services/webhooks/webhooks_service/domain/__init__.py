"""The pure rules of webhook delivery: the retry schedule, signatures, target URLs."""
