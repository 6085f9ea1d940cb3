"""The numpy runtime's :class:`~studio.engine.builtin.sampler_protocol.SpriteSampler` (VAE and GAN).

Both families make a sprite in one decoder pass from a latent vector: the VAE draws it from its
text-conditioned prior, the GAN from a standard normal. The latent comes from
:func:`.torch_noise.torch_randn`, the same numbers torch draws for the seed, so a seed gives
the same sprite here as on the torch runtime.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.domain.errors import DamagedModelError
from studio.domain.model_caption import model_caption
from studio.domain.prompt_subject import prompt_art_style, prompt_subject
from studio.domain.requests import GenerationRequest
from studio.engine.builtin import WEIGHTS_NAME
from studio.engine.builtin.configs import (
    GANConfig,
    VAEConfig,
    config_from_dict,
    read_model_manifest,
)
from studio.engine.builtin.numpy_runtime import networks, ops
from studio.engine.builtin.numpy_runtime.pixels import preview_rgb, rgba_uint8
from studio.engine.builtin.numpy_runtime.text import NumpyTextEncoder
from studio.engine.builtin.numpy_runtime.torch_noise import torch_randn
from studio.engine.builtin.numpy_runtime.weights import load_float32
from studio.engine.builtin.recent_cache import RecentCache
from studio.engine.builtin.reference_bank import ReferenceBank
from studio.engine.builtin.sampler_protocol import Conditioned, Sampled, SampleJob
from studio.engine.editing.slerp import slerp

NUMPY_FAMILIES = ("vae", "gan")
_DECODER_PREFIX = {"vae": "decoder.", "gan": "generator."}
CAPTION_CACHE_SIZE = 64  # a prompt's seeds draw on a handful of icons, so their captions repeat


class NumpySampler:
    """A VAE or GAN folder's sampling weights as float32 arrays, and the text encoder.

    Use :meth:`load`.
    """

    def __init__(
        self,
        family: str,
        config: VAEConfig | GANConfig,
        weights: dict[str, np.ndarray],
        encoder: NumpyTextEncoder,
        bank: ReferenceBank | None = None,
    ) -> None:
        self.family = family
        self.bank = bank
        self.sample_size = int(config.sample_size)
        self._config = config
        self._weights: dict[str, np.ndarray] | None = weights
        self._encoder = encoder
        self._captions: RecentCache[str, networks.NumpyConditioning] = RecentCache(
            CAPTION_CACHE_SIZE
        )

    @classmethod
    def load(cls, folder: Path, encoder: NumpyTextEncoder | None = None) -> NumpySampler:
        """Read a built-in VAE or GAN folder (manifest and weights).

        Raises
        ------
        ModelLoadError
            If the folder is not a built-in model or holds another family.
        DamagedModelError
            If the weights are missing, damaged or do not fit the config.
        """
        manifest = read_model_manifest(folder)
        family = str(manifest.get("family"))
        if family not in NUMPY_FAMILIES:
            raise ValueError(f"the numpy runtime runs {NUMPY_FAMILIES}, not {family!r}")
        config_class = VAEConfig if family == "vae" else GANConfig
        config = config_from_dict(config_class, manifest.get("config", {}))
        prefixes = ("text.", "prior.", _DECODER_PREFIX[family])
        weights = load_float32(folder / WEIGHTS_NAME, prefixes)
        bank = ReferenceBank.load(folder) if config.reference_channels else None
        sampler = cls(family, config, weights, encoder or NumpyTextEncoder.load(), bank)
        sampler._check_weights(folder)
        return sampler

    def count_steps(self, request: GenerationRequest) -> int:
        """Two phases for either family: draw the latent, decode it."""
        return 2

    def condition(self, prompt: str, negative_prompt: str) -> Conditioned:
        """Project the prompt pair; without a negative prompt the second row is the null text.

        A model with an icon bank never reads the prompt's own encoding (each sprite reads
        the caption of the icon it drew on), so only the subject it is looked up by is
        encoded: one text encoder pass for a new prompt instead of two.
        """
        with ops.one_blas_thread():
            if self.bank is not None:
                subject = self._encoder.encode([prompt_subject(prompt, self.bank.things)])
                candidates = self.bank.candidates(subject.pooled[0], prompt_art_style(prompt))
                return Conditioned(None, (subject.truncated[0], False), candidates)
            embedding = self._encoder.encode([prompt, negative_prompt])
            drop = np.array([False, not negative_prompt.strip()])
            cond = networks.condition(
                self._loaded(), embedding.tokens, embedding.mask, embedding.pooled, drop
            )
        return Conditioned(cond, (embedding.truncated[0], embedding.truncated[1]))

    def sample(self, job: SampleJob) -> Sampled:
        """One sprite for the prompt row of ``cond``; the seed picks the latent.

        A model with an icon bank reads the caption of the icon it drew on instead
        (:func:`studio.domain.model_caption.model_caption`), recorded as ``Read as``.
        """
        cond, request, index, on_step = job.cond, job.request, job.index, job.on_step
        w = self._loaded()
        info: dict[str, object] = {}
        if self.bank is not None and cond.candidates is not None:
            picked = self.bank.pick(cond.candidates, request.seed_for(index))
            caption = model_caption(request.prompt, picked.concept, picked.colours)
            read = self._caption(caption)
            info["Read as"] = caption
            prompt = networks.NumpyConditioning(
                read.context, read.mask, read.vector, picked.model_space()
            )
        else:
            full: networks.NumpyConditioning = cond.value
            picked = None
            prompt = networks.NumpyConditioning(full.context[:1], full.mask[:1], full.vector[:1])
        noise = self._noise(request, index)
        config = self._config
        if isinstance(config, VAEConfig):
            mean, logvar = networks.vae_prior(w, prompt)
            z = mean + np.exp(0.5 * logvar) * noise * np.float32(config.temperature)
            info |= {"family": "vae", "temperature": config.temperature}
        else:
            z = np.float32(config.truncation) * noise
            info |= {"family": "gan", "truncation": config.truncation}
        info["native_size"] = self.sample_size
        on_step(1, None)
        wrap = (request.tile_x, request.tile_y)
        with ops.one_blas_thread():
            prefix, tanh = _DECODER_PREFIX[self.family], self.family == "gan"
            image = networks.decode(w, prefix, self._config, z, prompt, wrap, tanh)
        image = np.clip(image, -1.0, 1.0)
        on_step(2, preview_rgb(image))
        pixels = rgba_uint8(image, job.crisp)[0]
        if picked is not None:
            info |= picked.facts(pixels)
        return Sampled(pixels, info, reference=picked)

    def unload(self) -> None:
        """Drop the weights (the encoder is shared and stays)."""
        self._weights = None
        self._captions.clear()

    def _caption(self, caption: str) -> networks.NumpyConditioning:
        """The model's conditioning for a caption of its trained form (cached)."""

        def project() -> networks.NumpyConditioning:
            with ops.one_blas_thread():
                embedding = self._encoder.encode([caption])
                return networks.condition(
                    self._loaded(),
                    embedding.tokens,
                    embedding.mask,
                    embedding.pooled,
                    np.array([False]),
                )

        return self._captions.get(caption, project)

    def _noise(self, request: GenerationRequest, index: int) -> np.ndarray:
        shape = (1, int(self._config.latent_dim))
        noise = torch_randn(shape, request.seed_for(index))
        variation_seed = request.variation_seed_for(index)
        if request.has_variation and variation_seed is not None:
            other = torch_randn(shape, variation_seed)
            noise = slerp(request.variation_strength, noise, other)
        return noise

    def _loaded(self) -> dict[str, np.ndarray]:
        if self._weights is None:
            raise RuntimeError("the sampler was unloaded")
        return self._weights

    def _check_weights(self, folder: Path) -> None:
        prefix = _DECODER_PREFIX[self.family]
        needed = [prefix + "to_grid.weight", prefix + "conv_out.weight", "text.token_proj.weight"]
        if self.family == "vae":
            needed.append("prior.mlp.4.weight")
        weights = self._loaded()
        missing = [name for name in needed if name not in weights]
        grid = weights.get(prefix + "to_grid.weight")
        base = self.sample_size // 2 ** (len(self._config.channels) - 1)
        if missing or grid is None or grid.shape[0] != self._config.channels[0] * base * base:
            raise DamagedModelError(
                f"The weights in {folder} do not fit the model's config: retrain or reinstall."
            )
