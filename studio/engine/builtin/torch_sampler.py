"""The torch runtime of the built-in models: every family, on the CPU or a GPU.

Wraps a family module (:class:`.pretrained.BuiltinModel`) and the frozen text encoder behind the
:class:`.sampler_protocol.SpriteSampler` the backend drives. Each call runs on the threads
:mod:`studio.engine.thread_policy` chooses for the machine's load and the family's tensor sizes.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from studio.domain.model_caption import model_caption
from studio.domain.prompt_subject import prompt_art_style, prompt_subject
from studio.domain.requests import GenerationRequest
from studio.engine.builtin.edits import sample_settings
from studio.engine.builtin.generation import SampleSettings
from studio.engine.builtin.pixels import model_to_rgba_uint8, preview_rgb_uint8
from studio.engine.builtin.pretrained import BuiltinModel
from studio.engine.builtin.recent_cache import RecentCache
from studio.engine.builtin.reference_bank import ReferenceBank
from studio.engine.builtin.sampler_protocol import Conditioned, Sampled, SampleJob
from studio.engine.builtin.text_encoder import TextEncoder
from studio.engine.builtin.work_size import step_elements, text_elements
from studio.engine.editing.tiling import circular_padding
from studio.engine.thread_policy import job_threads

CAPTION_CACHE_SIZE = 64  # as the numpy runtime's


class TorchSampler:
    """A family network and the text encoder, in eval mode on one device.

    Parameters
    ----------
    network
        The family module.
    encoder
        The frozen text encoder, on the same device.
    """

    def __init__(
        self, network: BuiltinModel, encoder: TextEncoder, bank: ReferenceBank | None = None
    ) -> None:
        self.network: BuiltinModel | None = network
        self.bank = bank
        self.encoder: TextEncoder | None = encoder
        self.family = network.family
        self.sample_size = network.sample_size
        self._work = step_elements(network.family, network.config)
        self._captions: RecentCache[tuple[str, str], Conditioned] = RecentCache(CAPTION_CACHE_SIZE)

    def count_steps(self, request: GenerationRequest) -> int:
        """Progress steps of one image (the family decides: 2 for one-pass models)."""
        settings = SampleSettings(request.steps, request.cfg_scale, request.sampler)
        return self._network().count_steps(settings)

    def condition(self, prompt: str, negative_prompt: str) -> Conditioned:
        """Project the prompt pair; without a negative prompt the second row is the null text.

        A model with an icon bank encodes only the subject it looks the icon up by: each
        sprite reads the caption of its icon (:meth:`_caption`), never the prompt's encoding.
        """
        if self.bank is None:
            return self._project(prompt, negative_prompt)
        assert self.encoder is not None
        with torch.inference_mode(), job_threads(self.encoder.device, text_elements()):
            subject = self.encoder.encode([prompt_subject(prompt, self.bank.things)])
        vector = subject.pooled[0].float().cpu().numpy()
        candidates = self.bank.candidates(vector, prompt_art_style(prompt))
        return Conditioned(None, (subject.truncated[0], False), candidates)

    def _project(self, prompt: str, negative_prompt: str) -> Conditioned:
        """The family's text conditioning of the pair, without a bank lookup."""
        network = self._network()
        assert self.encoder is not None
        drop = torch.tensor([False, not negative_prompt.strip()])
        with torch.inference_mode(), job_threads(self.encoder.device, text_elements()):
            embedding = self.encoder.encode([prompt, negative_prompt])
            cond = network.text(embedding, drop=drop)
        return Conditioned(cond, (embedding.truncated[0], embedding.truncated[1]))

    def sample(self, job: SampleJob) -> Sampled:
        """One sprite with its own CPU generator seeded from the request."""
        cond, request, index, on_step = job.cond, job.request, job.index, job.on_step
        network = self._network()
        generator = torch.Generator(device="cpu").manual_seed(request.seed_for(index))

        def step(done: int, _total: int, estimate: torch.Tensor | None) -> None:
            on_step(done, None if estimate is None else preview_rgb_uint8(estimate))

        settings = sample_settings(request, index, job.inpaint, network.sample_size)
        value, picked, read_as = cond.value, None, {}
        if self.bank is not None and cond.candidates is not None:
            picked = self.bank.pick(cond.candidates, request.seed_for(index))
            caption = model_caption(request.prompt, picked.concept, picked.colours)
            read_as = {"Read as": caption}
            value = self._caption(caption, request.negative_prompt).value
            reference = torch.from_numpy(picked.model_space()).to(value.vector.device)
            value = replace(value, reference=reference.repeat(2, 1, 1, 1))
        device = next(network.parameters()).device
        with (
            torch.inference_mode(),
            job_threads(device, self._work),
            circular_padding([network], request.tile_x, request.tile_y),
        ):
            result = network.generate(value, generator, settings, step)
        pixels = model_to_rgba_uint8(result.image, job.crisp)[0]
        info = dict(result.info) | read_as | ({} if picked is None else picked.facts(pixels))
        return Sampled(np.ascontiguousarray(pixels), info, result.warnings, picked)

    def _caption(self, caption: str, negative_prompt: str) -> Conditioned:
        """The conditioning of a caption of the trained form, as the numpy runtime reads it."""
        key = (caption, negative_prompt)
        return self._captions.get(key, lambda: self._project(caption, negative_prompt))

    def unload(self) -> None:
        """Drop the network and the encoder (and cached GPU memory)."""
        self._captions.clear()
        network, self.network, self.encoder = self.network, None, None
        if network is not None and next(network.parameters()).device.type == "cuda":
            torch.cuda.empty_cache()

    def _network(self) -> BuiltinModel:
        if self.network is None:
            raise RuntimeError("the sampler was unloaded")
        return self.network
