"""Inference: the service the worker talks to, the model registry and safe loading.

One room per kind of model: ``sd/`` (Stable Diffusion through diffusers), ``builtin/`` (the four
built-in sprite families; ``builtin/numpy_runtime`` runs the VAE and GAN without torch) and
``style/`` (style transfer). Benchmarks live in ``studio.bench``.
Imports torch lazily so that ``studio --help`` and the first window never wait for it.
"""
