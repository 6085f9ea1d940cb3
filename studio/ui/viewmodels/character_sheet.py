"""The Character Sheet dialog as a view-model: one character, a pose sequence, one job.

It holds what the dialog shows (the reference entry, the prompt taken from its recipe, the
model, the sequence with its poses as edited and its fps) and builds the
:class:`~studio.domain.character_sheet.CharacterSheetRequest` that ``studio frames`` builds
too: the same seed for every frame, the entry as the reference image. A model that cannot
take poses is said before Make, in the line the engine would refuse the job with
(:func:`~studio.domain.character_sheet.pose_refusal`). After the job, the frames made (history
entries, in pose order) are what "Export sheet…" hands to the sprite-sheet exporter.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.domain.character_sheet import CharacterSheetRequest, pose_refusal
from studio.domain.errors import InvalidRequestError
from studio.domain.models import ModelInfo
from studio.domain.pose import Skeleton
from studio.domain.pose_sequences import SEQUENCE_NAMES, PoseSequence, builtin_sequence
from studio.domain.reference import ReferenceImage
from studio.domain.requests import GenerationRequest
from studio.ops.character_sheet import EntrySettings, frame_names
from studio.ops.request_defaults import complete_request
from studio.ui.properties import Property, ViewModel

NO_MODEL = "Add a Stable Diffusion model first (File menu)."


class CharacterSheetViewModel(ViewModel):
    """The choices of one Character Sheet dialog, for one reference entry.

    Parameters
    ----------
    entry_id
        The history entry the character comes from.
    reference_png
        Its image, PNG bytes (the reference the IP-Adapter reads).
    recipe
        The request that made it (a recipe's ``request``): the prompt, negative prompt,
        seed and transparent background start from it, and on the entry's own model its
        size, steps, CFG scale and sampler.
    models
        The models to offer; ``model`` starts as ``model_id`` when it is one of them.

    Signals
    -------
    <property>_changed
        One per property; ``refusal`` follows the model, ``frames`` the job.
    """

    prompt = Property("")
    prompt_changed = Signal(object)
    negative_prompt = Property("")
    negative_prompt_changed = Signal(object)
    model = Property("")
    model_changed = Signal(object)
    sequence_name = Property("walk")
    sequence_name_changed = Signal(object)
    fps = Property(8.0)
    fps_changed = Signal(object)
    # Frames of a transparent sprite are transparent too, made the way the entry was.
    transparent = Property(False)
    transparent_changed = Signal(object)
    sequence: Property[PoseSequence] = Property(builtin_sequence("walk"))
    sequence_changed = Signal(object)
    pose_index = Property(0)
    pose_index_changed = Signal(object)
    refusal = Property("")
    refusal_changed = Signal(object)
    frames: Property[tuple[int, ...]] = Property(())  # entry ids made by the job, in order
    frames_changed = Signal(object)
    running = Property(False)
    running_changed = Signal(object)

    def __init__(
        self,
        entry_id: int,
        reference_png: bytes,
        recipe: dict[str, Any],
        models: tuple[ModelInfo, ...],
        model_id: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.entry_id = entry_id
        self.reference_png = reference_png
        self.models = models
        self.prompt = str(recipe.get("prompt") or "")
        self.negative_prompt = str(recipe.get("negative_prompt") or "")
        # What the frames keep of the entry: its seed, its transparency, and on its own model
        # its size, steps, CFG and sampler (as ``studio frames #N`` does).
        self._entry = EntrySettings.of(recipe)
        self.seed = self._entry.seed
        #: How the entry got its transparent background: "native", "matte" or "" (it has none).
        self.transparency = self._entry.transparency
        self.transparent = bool(self.transparency)
        self.model_changed.connect(lambda _id: self._update_refusal())
        ids = [info.id for info in models]
        self.model = model_id if model_id in ids else (ids[0] if ids else "")
        self._update_refusal()
        self.choose_sequence("walk")

    @property
    def sequence_names(self) -> tuple[str, ...]:
        """The shipped sequences on offer."""
        return SEQUENCE_NAMES

    @property
    def frame_count(self) -> int:
        """How many frames Make will draw (one per pose)."""
        return len(self.sequence.poses)

    def model_info(self) -> ModelInfo | None:
        """The chosen model, or ``None`` when there is none."""
        return next((info for info in self.models if info.id == self.model), None)

    def choose_sequence(self, name: str) -> None:
        """Start from the shipped sequence ``name``, at its own fps (edited poses are dropped).

        Raises
        ------
        InvalidRequestError
            ``name`` is not a shipped sequence.
        """
        sequence = builtin_sequence(name)
        self.sequence_name = sequence.name
        self.pose_index = 0
        self.sequence = sequence
        self.fps = sequence.fps

    def set_pose(self, index: int, pose: Skeleton) -> None:
        """Frame ``index`` of the sequence takes ``pose`` (what the pose editor made)."""
        self.sequence = self.sequence.with_pose(index, pose)

    def timed_sequence(self) -> PoseSequence:
        """The sequence as edited, played at the chosen fps.

        Raises
        ------
        InvalidRequestError
            An fps out of range (the sequence's own line).
        """
        return PoseSequence(self.sequence.name, self.fps, self.sequence.poses)

    def build_request(self) -> CharacterSheetRequest:
        """The job Make submits: one frame per pose, one seed, this entry as the reference.

        Raises
        ------
        InvalidRequestError
            No model, a model that cannot take poses (the engine's own line), an empty
            prompt, or a value out of range.
        """
        info = self.model_info()
        if info is None:
            raise InvalidRequestError(NO_MODEL)
        if self.refusal:
            raise InvalidRequestError(self.refusal)
        if not self.prompt.strip():
            raise InvalidRequestError("Describe the character: the prompt is empty.")
        reference = ReferenceImage(self.reference_png, source=f"#{self.entry_id}")
        values = {
            "prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "seed": self.seed,
            "references": (reference,),
            **self._entry.values(info.id, self.transparent),
        }
        generation = GenerationRequest(**complete_request(values, info)).resolved()
        return CharacterSheetRequest(replace(generation, model=info.id), self.timed_sequence())

    def frame_names(self) -> tuple[str, ...]:
        """The names the frames take in the sheet: ``walk_0``, ``walk_1``..."""
        return frame_names(self.sequence)

    def add_frame(self, entry_id: int) -> None:
        """A frame of the running job entered the history as ``entry_id``."""
        self.frames = (*self.frames, entry_id)

    def can_export(self) -> bool:
        """Whether every pose has its frame (a job cut short is not exported as a sheet)."""
        return not self.running and len(self.frames) == self.frame_count

    def _update_refusal(self) -> None:
        info = self.model_info()
        self.refusal = NO_MODEL if info is None else pose_refusal(info)
