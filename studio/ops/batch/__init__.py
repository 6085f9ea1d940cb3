"""Batches: the runner, where results go (a folder or a project) and the Ray executor."""
