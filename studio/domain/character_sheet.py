"""A character sheet job: one frame per pose of a sequence, the same character in each.

The request is what the engine reads: a generation (prompt, model, size, seed, the reference
image) made once per pose of ``sequence`` with the same seed and an OpenPose ControlNet unit
drawn from that pose. Exporting the frames as a sheet is the face's next job
(:mod:`studio.ops.character_sheet`).
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.errors import InvalidRequestError
from studio.domain.models import ModelInfo
from studio.domain.pose_sequences import PoseSequence
from studio.domain.requests import GenerationRequest

BUILTIN_REFUSAL = (
    "Built-in models cannot take poses: pick a Stable Diffusion model with an OpenPose ControlNet."
)
NO_REFERENCE_MODEL = (
    "No IP-Adapter for this model among your models: frames will drift without a reference model."
)


@dataclass(frozen=True)
class CharacterSheetRequest:
    """Frames of one character, one per pose of ``sequence``.

    Parameters
    ----------
    generation
        The frame every pose is made from: prompt, model, size, steps, the reference image(s)
        and the seed (``None``: one random seed, drawn once for all frames). Its own controls
        and batch count are not used; each frame gets one OpenPose unit of its pose.
    sequence
        The poses, with the animation's name and fps.
    control_model
        The OpenPose ControlNet among the user's models (empty: the one of the model's family).
    control_weight
        How strongly the pose steers (the unit's weight).
    """

    generation: GenerationRequest
    sequence: PoseSequence
    control_model: str = ""
    control_weight: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.generation, GenerationRequest):
            raise InvalidRequestError("A character sheet needs a generation request.")
        if not isinstance(self.sequence, PoseSequence):
            raise InvalidRequestError("A character sheet needs a pose sequence.")
        if self.generation.init_image is not None or self.generation.mask_image is not None:
            raise InvalidRequestError(
                "A character sheet draws each frame from its pose: remove the init image."
            )


def pose_refusal(model: ModelInfo | None) -> str:
    """Why ``model`` cannot make a character sheet (:data:`BUILTIN_REFUSAL`), or ``""``.

    A pose reaches the model as a ControlNet unit, so the rule is the model's ``control``
    edit: the window says it before Make and the engine refuses the job with the same line.
    """
    if model is None or "control" in model.edits:
        return ""
    return BUILTIN_REFUSAL
