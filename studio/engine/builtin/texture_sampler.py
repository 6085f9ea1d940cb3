"""The sampler a built-in backend uses for a texture prompt, whichever family is loaded.

A built-in model learned sprites: asked for "grass ground texture" it draws a transparent blob.
For a request :func:`studio.domain.texture_prompt.is_texture_request` calls a texture, the
backend asks this sampler instead of the network: the prompt is read into a material, colours
and style (:mod:`.texture_looks`) and the tile is synthesised on a torus (:mod:`.texture`) at
the model's native size, seeded by the request, opaque everywhere.
"""

from __future__ import annotations

from studio.domain.requests import GenerationRequest
from studio.engine.builtin.sampler_protocol import Conditioned, Sampled, SampleJob
from studio.engine.builtin.texture import synthesise
from studio.engine.builtin.texture_looks import TextureSpec, read_texture_prompt
from studio.engine.builtin.texture_noise import NoiseSource

TEXTURE_FAMILY = "texture"


class TextureSampler:
    """Textures at a model's native size, in place of that model's network.

    Parameters
    ----------
    sample_size
        The native side of the model it stands in for (outputs are enlarged alike).
    model_family
        The family of that model, recorded with each texture.
    """

    family = TEXTURE_FAMILY

    def __init__(self, sample_size: int, model_family: str) -> None:
        self.sample_size = sample_size
        self.model_family = model_family

    def count_steps(self, request: GenerationRequest) -> int:
        """One step: the tile is made at once."""
        return 1

    def condition(self, prompt: str, negative_prompt: str) -> Conditioned:
        """The texture the prompt names; the negative prompt has no say in a texture."""
        return Conditioned(read_texture_prompt(prompt))

    def sample(self, job: SampleJob) -> Sampled:
        """Tile ``job.index`` of the request, from its seed (and variation seed)."""
        spec: TextureSpec = job.cond.value
        request, index = job.request, job.index
        variation = request.variation_seed_for(index) if request.has_variation else None
        noise = NoiseSource(request.seed_for(index), variation, request.variation_strength)
        pixels = synthesise(spec, self.sample_size, noise)
        job.on_step(1, pixels[..., :3])
        info: dict[str, object] = {
            "family": TEXTURE_FAMILY,
            "model_family": self.model_family,
            "texture": spec.material,
            "texture_structure": spec.look.structure,
            "texture_style": spec.style,
            "native_size": self.sample_size,
        }
        return Sampled(pixels, info)

    def unload(self) -> None:
        """Nothing is held: the model's own sampler holds the weights."""
