"""Comparing the built-in models: Frechet distance on EfficientNet-Lite0 features, text
fidelity from a small contrastive scorer, and sample grids (``studio eval``).

Nothing here imports torch at package import; the submodules that need it import it lazily or
are only imported when an evaluation runs.
"""
