"""Native transparent generation with the user's LayerDiffuse files on a warm SD/SDXL model.

A request with ``transparent="native"`` finds the family's patch and transparent decoder among
the user's models (:func:`studio.domain.transparency.find_native_files`), merges the patch into
the UNet for as long as native requests follow (it comes off, exactly, before any other
request samples) and, once the ordinary VAE has decoded the latent, asks the transparent
decoder for the alpha and the foreground colour. The decoder stays loaded beside the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from studio.domain.errors import InvalidRequestError, ModelNotFoundError
from studio.domain.model_kind import ModelKind
from studio.domain.models import ModelFamily
from studio.domain.requests import GenerationRequest
from studio.domain.transparency import NATIVE, NativeFiles, find_native_files, native_problem
from studio.engine.addon_lookup import AddonIndex
from studio.engine.sd.loading import LoadedPipeline

if TYPE_CHECKING:
    from studio.engine.sd.layerdiffuse_patch import UnetPatch


@dataclass(frozen=True, eq=False)
class NativeDecode:
    """What turns a batch's latents and decoded RGB into RGBA."""

    decoder: Any
    scaling_factor: float
    recipe: dict[str, str]

    def to_rgba(self, latents: Any, pixels: np.ndarray) -> np.ndarray:
        """RGBA ``uint8`` pixels for one image: ``latents`` as sampled, ``pixels`` as decoded."""
        import torch

        from studio.engine.sd.layerdiffuse_decoder import decode_rgba

        rgb = torch.from_numpy(np.ascontiguousarray(pixels[..., :3])).permute(2, 0, 1)[None]
        latent = latents[:1].float() / self.scaling_factor  # the VAE's own latent scale
        rgba = decode_rgba(self.decoder, rgb.float() / 255.0, latent)
        out = (rgba[0].permute(1, 2, 0).cpu().numpy() * 255.0).round()
        return out.astype(np.uint8)


class SdLayerDiffuse:
    """The LayerDiffuse patch on one warm UNet and the decoders loaded beside it."""

    def __init__(self, index: AddonIndex) -> None:
        self._index = index
        self._patch: UnetPatch | None = None
        self._patch_key: tuple[str, float] | None = None
        self._decoders: dict[tuple[str, float], Any] = {}

    def prepare(
        self, loaded: LoadedPipeline, request: GenerationRequest, device: Any
    ) -> NativeDecode | None:
        """Merge the patch for a native request (or take it off for any other).

        Raises
        ------
        InvalidRequestError
            Native transparency asked for an inpaint.
        ModelNotFoundError
            The model's family has no LayerDiffuse patch or decoder among the user's models.
        ModelLoadError, DamagedModelError, UnsafeModelError
            A file that is not the LayerDiffuse part it was taken for, or one for another
            family; the UNet is left as it was.
        """
        if request.transparent != NATIVE:
            self.remove()
            return None
        if request.is_inpaint:
            # The decoder reads the whole latent; an inpaint keeps most of the old image.
            raise InvalidRequestError(
                "Transparent background: native makes whole images, not inpaints: use matte, "
                "or generate first and inpaint after."
            )
        files = native_files(self._index, loaded.family)
        self._put_on(loaded.pipe.unet, Path(files.patch.location))
        decoder = self._decoder(Path(files.decoder.location), device)
        vae = loaded.pipe.vae.config
        recipe = {"transparency": f"LayerDiffuse ({files.patch.name}, {files.decoder.name})"}
        return NativeDecode(decoder, float(vae.scaling_factor), recipe)

    def _put_on(self, unet: Any, path: Path) -> None:
        from studio.engine.sd.layerdiffuse_patch import UnetPatch, read_patch

        key = (str(path.resolve()), path.stat().st_mtime)
        if key == self._patch_key:
            return
        self.remove()
        self._patch = UnetPatch(unet, read_patch(path), path.name)
        self._patch_key = key

    def _decoder(self, path: Path, device: Any) -> Any:
        from studio.engine.sd.layerdiffuse_decoder import load_transparent_decoder

        key = (str(path.resolve()), path.stat().st_mtime)
        if key not in self._decoders:
            self._decoders = {key: load_transparent_decoder(path).to(device)}
        return self._decoders[key]

    def remove(self) -> None:
        """Take the patch off the UNet, restoring its weights exactly."""
        if self._patch is not None:
            self._patch.remove()
        self._patch, self._patch_key = None, None

    def clear(self) -> None:
        """Restore the UNet and let the decoders go (the model is being unloaded)."""
        self.remove()
        self._decoders.clear()


def native_files(index: AddonIndex, family: ModelFamily) -> NativeFiles:
    """The LayerDiffuse patch and decoder of ``family`` among the user's models.

    Raises
    ------
    ModelNotFoundError
        The one line saying which file is missing and where it goes.
    """
    addons = index.addons(ModelKind.LAYERDIFFUSE)
    files = find_native_files(addons, family)
    if files is None:
        raise ModelNotFoundError(native_problem(addons, family) or "")
    return files
