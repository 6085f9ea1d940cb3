"""ControlNets on a warm SD/SDXL pipeline: found, loaded once, and passed to each sampling call.

A request's :class:`~studio.domain.control.ControlSpec` units resolve to files among the user's
models (the one named, or the one whose name says the unit's kind, of the model's family), load
once and stay warm while the same files are asked for. The pipeline used is diffusers' ControlNet
variant of the one the request needs (``from_pipe``: it shares the warm model's modules, so
nothing is copied), and each unit's weight, start and end go to its call as
``controlnet_conditioning_scale``, ``control_guidance_start`` and ``control_guidance_end``.
Hires fix's second pass runs the same ControlNets on the image-to-image variant, the control
images resized to the hires size (A1111's ControlNet does the same in its hires pass).
An inpaint runs diffusers' ControlNet inpaint pipeline made from the warm inpaint one; each
control image is taken at the canvas's size and cut to the box the model repaints, so with
"only masked" it lines up with the crop the model sees (as A1111's ControlNet does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.domain.control import ControlSpec
from studio.domain.control_recipe import control_parameters
from studio.domain.errors import InvalidRequestError, ModelNotFoundError
from studio.domain.model_kind import ModelKind
from studio.domain.models import ModelFamily
from studio.domain.requests import GenerationRequest
from studio.engine.addon_lookup import AddonIndex, find_addons, resolve_addon
from studio.engine.editing.inpaint import InpaintPlan
from studio.engine.model_hash import short_hash
from studio.engine.sd.control_loading import load_controlnet
from studio.engine.sd.init_image import read_init_image
from studio.engine.sd.loading import LoadedPipeline

# Words a ControlNet's file name carries for each kind (lllyasviel's, diffusers', xinsir's).
KIND_WORDS = {
    "canny": ("canny",),
    "softedge": ("softedge", "soft_edge", "hed", "pidi"),
    "scribble": ("scribble",),
    "blockout": ("seg",),
    "openpose": ("openpose", "pose"),
    "none": (),
}


@dataclass(frozen=True, eq=False)
class ControlCall:
    """What a batch's sampling calls take: the ControlNet pipeline, its options, its recipe."""

    pipe: Any
    options: dict[str, Any]
    recipe: dict[str, str]


class SdControls:
    """The ControlNets loaded for one warm pipeline, kept while requests ask for them."""

    def __init__(self, index: AddonIndex) -> None:
        self._index = index
        self._loaded: dict[tuple[str, float], Any] = {}

    def prepare(
        self,
        pipe: Any,
        loaded: LoadedPipeline,
        request: GenerationRequest,
        device: Any,
        inpaint: InpaintPlan | None = None,
    ) -> ControlCall:
        """The ControlNet pipeline and options of ``request`` (``pipe`` as it is without).

        ``inpaint`` is the plan of an inpaint request: its control images are cut to the box
        the model repaints.

        Raises
        ------
        InvalidRequestError
            A unit without its image (read back from a recipe).
        ModelNotFoundError
            No ControlNet of the unit's kind, or none of the name given.
        ModelLoadError, DamagedModelError, UnsafeModelError
            A file that is not a ControlNet of this model's family.
        """
        controls = request.controls
        if not controls:
            return ControlCall(pipe, {}, {})
        paths = [controlnet_path(self._index, control, loaded.family) for control in controls]
        images = [
            _cut_to(self._image(index, control, request, _canvas(inpaint)), inpaint, request)
            for index, control in enumerate(controls)
        ]
        models = [self._model(path, loaded, device) for path in paths]
        self._forget_except(paths)
        control_pipe = _control_pipeline(pipe, models if len(models) > 1 else models[0])
        # Image-to-image and inpaint pipelines take their source image as ``image``.
        key = "control_image" if request.is_img2img or request.is_inpaint else "image"
        options = {
            key: images if len(images) > 1 else images[0],
            "controlnet_conditioning_scale": _one_or_list([c.weight for c in controls]),
            "control_guidance_start": _one_or_list([c.start for c in controls]),
            "control_guidance_end": _one_or_list([c.end for c in controls]),
        }
        labels = tuple(_label(path) for path in paths)
        return ControlCall(control_pipe, options, control_parameters(controls, labels))

    def for_hires(
        self, first: Any, options: dict[str, Any], img2img: Any, request: GenerationRequest
    ) -> ControlCall:
        """The hires pass of a first pass run by pipeline ``first`` with ``options``: the same
        ControlNets (not loaded again) on the image-to-image pipeline ``img2img``, each control
        image resized to the hires size, each unit's weight, start and end as in the first pass
        (``img2img`` as it is without controls).
        """
        if not request.controls:
            return ControlCall(img2img, {}, {})
        width, height = request.hires_size
        images = [self._image(index, unit, request, (width, height))
                  for index, unit in enumerate(request.controls)]  # fmt: skip
        kept = {k: v for k, v in options.items() if k not in ("image", "control_image")}
        kept["control_image"] = images if len(images) > 1 else images[0]
        return ControlCall(_control_pipeline(img2img, first.controlnet), kept, {})

    def _image(
        self,
        index: int,
        control: ControlSpec,
        request: GenerationRequest,
        size: tuple[int, int] | None = None,
    ) -> Any:
        if control.image is None:
            raise InvalidRequestError(
                f"ControlNet {index} ({control.kind}) has no control image (a recipe stores "
                "only its hash): add the control image again."
            )
        return read_init_image(control.image, *(size or (request.width, request.height)))

    def _model(self, path: Path, loaded: LoadedPipeline, device: Any) -> Any:
        key = (str(path.resolve()), path.stat().st_mtime)
        model = self._loaded.get(key)
        if model is None:
            unet = loaded.pipe.unet
            model = load_controlnet(path, unet, unet.dtype).to(device)
            self._loaded[key] = model
        return model

    def _forget_except(self, paths: list[Path]) -> None:
        keep = {str(path.resolve()) for path in paths}
        for key in [key for key in self._loaded if key[0] not in keep]:
            del self._loaded[key]

    def clear(self) -> None:
        """Let every loaded ControlNet go (the pipeline is being unloaded)."""
        self._loaded.clear()


def controlnet_path(index: AddonIndex, control: ControlSpec, family: ModelFamily) -> Path:
    """The ControlNet file or diffusers folder ``control`` means: its model, or its kind's.

    Raises
    ------
    ModelNotFoundError
        One line: no such name or file, or no ControlNet of the unit's kind.
    """
    if control.model:
        folder = Path(control.model).expanduser()
        if folder.is_dir():  # a diffusers ControlNet folder
            return folder
        return resolve_addon(index, ModelKind.CONTROLNET, control.model)
    return find_controlnet(index, control.kind, family)


def find_controlnet(index: AddonIndex, kind: str, family: ModelFamily) -> Path:
    """The user's ControlNet for ``kind`` of ``family``: its file name says the kind.

    Raises
    ------
    ModelNotFoundError
        One line: none of that kind, or several to choose between.
    """
    words = KIND_WORDS.get(kind, ())
    found = find_addons(
        index,
        ModelKind.CONTROLNET,
        lambda addon: (
            addon.family in (family, ModelFamily.UNKNOWN)
            and any(word in addon.name.lower() for word in words)
        ),
    )
    if not found:
        raise ModelNotFoundError(
            f"No {kind} ControlNet for {family.value} among your models: add one "
            "(File > Add Model Folder, or studio models --add DIR), or name it with "
            "--control-model NAME."
        )
    return Path(sorted(found, key=lambda addon: addon.name.lower())[0].location)


def _control_pipeline(pipe: Any, controlnet: Any) -> Any:
    from diffusers import (
        AutoPipelineForImage2Image,
        AutoPipelineForInpainting,
        AutoPipelineForText2Image,
    )

    name = type(pipe).__name__
    if "Inpaint" in name:
        control_pipe = AutoPipelineForInpainting.from_pipe(pipe, controlnet=controlnet)
        # from_pipe builds a binarizing mask processor; keep the warm one's soft mask.
        control_pipe.mask_processor = pipe.mask_processor
    else:
        auto = AutoPipelineForImage2Image if "Img2Img" in name else AutoPipelineForText2Image
        control_pipe = auto.from_pipe(pipe, controlnet=controlnet)
    control_pipe.set_progress_bar_config(disable=True)  # progress goes to the step callback
    return control_pipe


def _canvas(inpaint: InpaintPlan | None) -> tuple[int, int] | None:
    if inpaint is None:
        return None
    height, width = inpaint.original.shape[:2]
    return width, height


def _cut_to(image: Any, inpaint: InpaintPlan | None, request: GenerationRequest) -> Any:
    """``image`` (at the canvas's size for an inpaint) cut to the repainted box, at the
    request's size."""
    if inpaint is None:
        return image
    from PIL import Image

    size = (request.width, request.height)
    if inpaint.box != (0, 0, *image.size):
        image = image.crop(inpaint.box)
    return image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)


def _one_or_list(values: list[float]) -> float | list[float]:
    return values[0] if len(values) == 1 else values


def _label(path: Path) -> str:
    name = path.name if path.is_dir() else path.stem
    digest = short_hash(path) if path.is_file() else ""
    return f"{name} [{digest}]" if digest else name
