"""The built-in VAE and GAN in numpy: the default model's first sprite without importing torch.

On a CUDA build, ``import torch`` alone takes about 3 s and 650 MB; these two families make a
sprite in one decoder pass of a few million weights, which numpy runs in tens of milliseconds.
The runtime reads the same ``model.safetensors`` as the torch modules and draws the same noise
for a seed (:mod:`.torch_noise`), so both give the same pixels (tests/engine/builtin/numpy_runtime).

* :mod:`.ops` the layers (linear, conv, norms, attention), :mod:`.networks` the text
  conditioner, the VAE prior and the sprite decoder, :mod:`.minilm` and :mod:`.text` the text
  encoder, :mod:`.pixels` model space to RGBA, :mod:`.sampler` what the backend drives,
  :mod:`.enlarger` the learnt 2x enlarger and :mod:`.guided` the enlargement's fit to the bank
  icon drawn on.
"""
