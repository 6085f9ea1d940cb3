"""A character sheet on the engine: one generation per pose, same seed, same reference.

Each frame is an ordinary :class:`~studio.domain.requests.GenerationRequest` (its recipe names
the pose's OpenPose unit, so every frame replays alone) made through the service's generate
path; this module only decides what the frames share, draws each pose, numbers the progress
over the whole sheet and stops between frames when cancelled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

from studio.domain.character_sheet import (
    BUILTIN_REFUSAL,
    NO_REFERENCE_MODEL,
    CharacterSheetRequest,
    pose_refusal,
)
from studio.domain.control import ControlSpec
from studio.domain.engine_protocol import ProgressCallback
from studio.domain.errors import InvalidRequestError, JobCancelled, ModelNotFoundError
from studio.domain.models import ModelFamily, ModelInfo
from studio.domain.pose import Skeleton
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.engine.addon_lookup import AddonIndex
from studio.engine.registry import SD_FAMILIES

Generate = Callable[
    [GenerationRequest, ProgressCallback, threading.Event], Iterator[GeneratedImage]
]
NO_REFERENCE = "No reference image: frames will drift from one another."


def run_character_sheet(
    request: CharacterSheetRequest,
    info: ModelInfo,
    index: AddonIndex,
    generate: Generate,
    on_progress: ProgressCallback,
    cancel: threading.Event,
) -> Iterator[GeneratedImage]:
    """Yield one frame per pose of ``request.sequence``, in order, ``index`` = frame number.

    Raises
    ------
    InvalidRequestError
        A built-in model (it cannot take poses).
    ModelNotFoundError
        No OpenPose ControlNet of the model's family among the user's models.
    JobCancelled
        Between frames (and within a step of a frame) once ``cancel`` is set.
    """
    if info.family not in SD_FAMILIES or pose_refusal(info):
        raise InvalidRequestError(BUILTIN_REFUSAL)
    from studio.engine.sd.control import find_controlnet

    control_model = request.control_model or str(find_controlnet(index, "openpose", info.family))
    generation, notes = _shared_generation(request.generation, index, info.family)
    poses = request.sequence.poses
    for number, pose in enumerate(poses):
        if cancel.is_set():
            raise JobCancelled()
        frame = frame_request(
            generation, pose, control_model, request.control_weight, _source(request, number)
        )
        progress = _frame_progress(on_progress, number, len(poses))
        for image in generate(frame, progress, cancel):
            yield replace(image, index=number, warnings=image.warnings + notes)
        notes = ()  # said once, with the first frame


def frame_request(
    generation: GenerationRequest,
    pose: Skeleton,
    control_model: str,
    weight: float = 1.0,
    source: str = "",
) -> GenerationRequest:
    """One frame: ``generation`` with the pose drawn as its only control, one image."""
    from studio.imaging.control import make_control_image
    from studio.imaging.png import encode_png

    pixels = make_control_image(
        "openpose", skeletons=(pose,), size=(generation.width, generation.height)
    )
    unit = ControlSpec(
        "openpose", encode_png(pixels), model=control_model, weight=weight, source=source
    )
    return replace(generation, controls=(unit,), batch_count=1)


def _shared_generation(
    generation: GenerationRequest, index: AddonIndex, family: ModelFamily
) -> tuple[GenerationRequest, tuple[str, ...]]:
    # One seed for every frame: the character changes with the pose, not with the noise.
    generation = generation.resolved()
    if not generation.references:
        return generation, (NO_REFERENCE,)
    if any(reference.model for reference in generation.references):
        return generation, ()  # the user named the adapter: a missing one is their one line
    from studio.engine.sd.reference_images import find_ip_adapter

    try:
        find_ip_adapter(index, family)
    except ModelNotFoundError:
        return replace(generation, references=()), (NO_REFERENCE_MODEL,)
    return generation, ()


def _source(request: CharacterSheetRequest, number: int) -> str:
    return f"{request.sequence.name} pose {number + 1}/{len(request.sequence.poses)}"


def _frame_progress(on_progress: ProgressCallback, number: int, frames: int) -> ProgressCallback:
    # Steps counted over the whole sheet, so the bar fills once, not once per frame.
    def report(update: ProgressUpdate) -> None:
        message = f"Frame {number + 1} of {frames}"
        if update.message:
            message = f"{message}: {update.message}"
        on_progress(
            replace(
                update,
                step=number * update.total + update.step,
                total=frames * update.total,
                message=message,
            )
        )

    return report
