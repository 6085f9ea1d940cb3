"""Every ``studio bench ...`` measurement and the tiny models it runs on.

Benchmarks time Studio against the reference it should match or beat (plain diffusers,
onnxruntime, the window's own event loop), interleaving the runs they compare and reporting the
median and spread. Speed goals live here, never in unit tests.

Modules
-------
cli           the ``studio bench`` parser; the launcher routes ``studio bench ...`` here
generate      engine vs. a plain diffusers call on the same pipeline
builtin       seconds per sprite of each built-in model
style         the torch style port vs. onnxruntime
ui            the longest GUI event-loop stall while a model loads, generates and saves
timing        the interleaved-median timer they all use
tiny_models   tiny random Stable Diffusion pipelines (benchmarks and tests build them)

This package sits above the GUI and the CLI: it may import anything below it, and nothing in
Studio imports it but the launcher.
"""
