"""Dataset builders, training loops and evaluation for the built-in models. No Qt."""
