"""Latents -> RGB pixels, with the fallbacks that keep a job from failing needlessly.

* NaN/inf or an all-black decode (fp16 VAE overflow, notorious with SDXL) is retried with the
  VAE in float32, which then stays in float32 for this model (RELIABILITY 12).
* Out of memory frees the cache and retries with tiled decoding; a second failure becomes a
  clear :class:`OutOfMemoryError` and the engine stays usable (RELIABILITY 10).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from studio.domain.errors import OutOfMemoryError
from studio.engine.device import free_memory, is_out_of_memory

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)
WRAP_MARGIN_LATENTS = 8  # wrap context a tiled seamless decode sees at each edge (64 pixels)

NAN_WARNING = (
    "The model produced invalid values (NaN), so this image is blank: try another sampler, "
    "fewer steps or a lower CFG scale."
)


@dataclass(frozen=True, eq=False)
class DecodedImage:
    """An ``(H, W, 3)`` uint8 image and what went wrong on the way, for the user."""

    pixels: np.ndarray
    warnings: tuple[str, ...] = ()


class LatentDecoder:
    """Decodes latents with one VAE, remembering whether it needs float32.

    The VAE stays in the model's precision between decodes (image-to-image encodes with it);
    a float32 decode casts it up and back, as diffusers' SDXL pipeline does.

    Parameters
    ----------
    vae
        A diffusers ``AutoencoderKL`` (or anything with ``decode``, ``config`` and tiling).
    start_in_float32
        Decode in float32 from the start (SDXL VAEs whose config says ``force_upcast``);
        otherwise float32 is used only after a half-precision decode came out broken.
    """

    def __init__(self, vae: Any, start_in_float32: bool = False) -> None:
        self.vae = vae
        self.upcast = start_in_float32
        self._wrap = (False, False)

    def decode(
        self, latents: torch.Tensor, wrap: tuple[bool, bool] = (False, False)
    ) -> DecodedImage:
        """Decode the first latent of ``latents`` (the UNet's scaled space) to pixels.

        ``wrap`` is ``(tile_x, tile_y)`` of a seamless job: the caller has made the VAE's
        convolutions circular; a tiled fallback decode must then wrap across tile borders.
        """
        import torch

        self._wrap = wrap

        warnings: list[str] = []
        latents = latents[:1]
        if not torch.isfinite(latents).all():
            warnings.append(NAN_WARNING)
            latents = torch.nan_to_num(latents, nan=0.0, posinf=0.0, neginf=0.0)
        model_dtype = next(self.vae.parameters()).dtype
        image = self._decode_as(latents, torch.float32 if self.upcast else model_dtype)
        if _looks_broken(image) and not self.upcast and model_dtype != torch.float32:
            log.info("decode in %s gave NaN or black; retrying in float32", model_dtype)
            self.upcast = True
            image = self._decode_as(latents, torch.float32)
        if not torch.isfinite(image).all():
            if NAN_WARNING not in warnings:
                warnings.append(NAN_WARNING)
            image = torch.nan_to_num(image, nan=-1.0, posinf=1.0, neginf=-1.0)
        return DecodedImage(_to_uint8(image), tuple(warnings))

    def _decode_as(self, latents: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        import torch

        model_dtype = next(self.vae.parameters()).dtype
        unscaled = self._unscale(latents).to(dtype)
        if dtype != model_dtype:
            self.vae.to(dtype)
        try:
            with torch.no_grad():
                image = self._try_decode(unscaled)
                if image is None:
                    image = self._decode_tiled(unscaled)
        finally:
            if dtype != model_dtype:
                self.vae.to(model_dtype)
        return image

    def _try_decode(self, unscaled: torch.Tensor) -> torch.Tensor | None:
        """The decoded batch, or ``None`` when the device ran out of memory."""
        try:
            return self.vae.decode(unscaled, return_dict=False)[0]
        except Exception as exc:
            if not is_out_of_memory(exc):
                raise
        # Returning outside the except block lets the failed attempt's tensors be freed.
        return None

    def _decode_tiled(self, unscaled: torch.Tensor) -> torch.Tensor:
        free_memory()
        log.warning("out of memory while decoding; retrying in tiles")
        was_tiled = bool(getattr(self.vae, "use_tiling", False))
        self.vae.enable_tiling()
        try:
            image = self._try_decode_wrapped(unscaled) if any(self._wrap) else None
            if image is None and not any(self._wrap):
                image = self._try_decode(unscaled)
        finally:
            if not was_tiled:
                self.vae.disable_tiling()
        if image is None:
            free_memory()
            raise OutOfMemoryError(
                "Out of memory while turning the result into an image, even in tiles: "
                "use a smaller size or close other programs using the GPU."
            )
        return image

    def _try_decode_wrapped(self, unscaled: torch.Tensor) -> torch.Tensor | None:
        """A tiled decode of a seamless latent that still wraps at the image's edges.

        Circular convolutions inside a tile would wrap each tile onto itself, so for the tiled
        decode they are switched back to zero padding; instead the latent is extended with
        its own opposite edge (a wrap margin) before tiling and the margin is cropped off
        after, so the pixels at each edge are decoded with their wrapped neighbours in view.
        """
        import torch.nn.functional as F  # noqa: N812

        from studio.engine.editing.tiling import plain_padding

        tile_x, tile_y = self._wrap
        margin = WRAP_MARGIN_LATENTS
        m_x, m_y = (margin if tile_x else 0), (margin if tile_y else 0)
        extended = F.pad(unscaled, (m_x, m_x, m_y, m_y), mode="circular")
        with plain_padding(self.vae):
            image = self._try_decode(extended)
        if image is None:
            return None
        scale = image.shape[-1] // extended.shape[-1]
        height, width = unscaled.shape[-2] * scale, unscaled.shape[-1] * scale
        top, left = m_y * scale, m_x * scale
        return image[..., top : top + height, left : left + width]

    def _unscale(self, latents: torch.Tensor) -> torch.Tensor:
        import torch

        config = self.vae.config
        mean, std = getattr(config, "latents_mean", None), getattr(config, "latents_std", None)
        scaling = float(getattr(config, "scaling_factor", 0.18215))
        if mean is not None and std is not None:
            shape = (1, len(mean), 1, 1)
            mean_t = torch.tensor(mean, device=latents.device, dtype=latents.dtype).view(shape)
            std_t = torch.tensor(std, device=latents.device, dtype=latents.dtype).view(shape)
            return latents * std_t / scaling + mean_t
        return latents / scaling


def _looks_broken(image: torch.Tensor) -> bool:
    """NaN/inf anywhere, or every value at the black floor (what a NaN decode turns into)."""
    import torch

    if not torch.isfinite(image).all():
        return True
    return bool((image <= -1.0).all())


def _to_uint8(image: torch.Tensor) -> np.ndarray:
    import torch

    pixels = ((image[0].float() / 2 + 0.5).clamp(0, 1) * 255).round().to(torch.uint8)
    return pixels.permute(1, 2, 0).cpu().numpy()
