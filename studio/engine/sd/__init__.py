"""Stable Diffusion (SD 1.x, 2.x, SDXL and Turbo) through diffusers, offline and without code.

Model detection from safetensors headers, folder and single-file loading with the shipped
configs and tokenizers, schedulers by A1111 names, prompt chunking, latent previews, the decode
with its NaN/out-of-memory fallbacks, and the :class:`DiffusersBackend` the service runs.
"""
