"""Inference: model registry, safe loading, generation backends, style transfer.

Imports torch lazily so that ``studio --help`` and the first window never wait for it.
"""
