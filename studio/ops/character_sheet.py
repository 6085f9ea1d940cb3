"""Character sheet: make one frame per pose on the engine, then export them as one animation.

The frames come from the engine as a :class:`~studio.domain.character_sheet.CharacterSheetRequest`
job; :func:`sheet_request` turns them into the sprite-sheet exporter's request, the frames
named after the animation and played at the sequence's fps, so every format the exporter
writes (Godot, Unity, Phaser, Aseprite...) carries the animation. ``studio frames`` runs both
steps with :func:`make_character_sheet`; the window runs the frames on the GPU lane and hands
:func:`sheet_request` to the CPU lane's export.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from studio.domain.character_sheet import CharacterSheetRequest
from studio.domain.engine_protocol import EngineProtocol, ProgressCallback
from studio.domain.errors import InvalidRequestError, JobCancelled, StudioError
from studio.domain.export_requests import AnimationSpec, ExportImage, SheetExportRequest
from studio.domain.files import read_user_text
from studio.domain.pose_sequences import PoseSequence, builtin_sequence
from studio.domain.results import GeneratedImage
from studio.domain.sheet_options import SheetOptions
from studio.ops.export import SheetExport, check_sheet_target, export_sheet


@dataclass(frozen=True)
class SheetTarget:
    """Where and how the frames are exported: the folder, formats, name and layout."""

    folder: Path
    formats: tuple[str, ...]
    name: str = ""
    options: SheetOptions = field(default_factory=SheetOptions)
    overwrite: bool = False


@dataclass(frozen=True)
class CharacterSheet:
    """What :func:`make_character_sheet` made: the frames in pose order and the export."""

    frames: tuple[GeneratedImage, ...]
    export: SheetExport


MAX_POSE_FILE = 1 << 20  # a 64-pose sequence is about 40 kB of JSON
_WHOLE_SETTINGS = ("width", "height", "steps")


@dataclass(frozen=True)
class EntrySettings:
    """What the frames of a character keep of the history entry it was drawn in.

    The window's Character Sheet dialog and ``studio frames #N`` both start from it, so the two
    cannot drift apart on what a sheet made from an entry inherits.

    Parameters
    ----------
    model
        The model id the entry was made on.
    seed
        The entry's seed: the frames start from the noise that drew the character.
    transparency
        How the entry got its transparent background: ``"native"``, ``"matte"`` or ``""``
        (it has none). Frames of a transparent sprite are made transparent the same way.
    settings
        Its size, steps, CFG scale and sampler, where the recipe has them well typed: kept on
        the entry's own model only (another model takes its own defaults).
    """

    model: str = ""
    seed: int | None = None
    transparency: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, recipe: object) -> EntrySettings:
        """Read a history entry's recipe (the request under ``"request"``, or the request
        itself); a value of the wrong type is left out, never an error."""
        request = recipe_request(recipe)
        settings: dict[str, Any] = {
            name: request[name] for name in _WHOLE_SETTINGS if _is_int(request.get(name))
        }
        cfg = request.get("cfg_scale")
        if isinstance(cfg, int | float) and not isinstance(cfg, bool):
            settings["cfg_scale"] = float(cfg)
        if isinstance(request.get("sampler"), str) and request["sampler"]:
            settings["sampler"] = request["sampler"]
        seed = request.get("seed")
        return cls(
            model=str(request.get("model") or ""),
            seed=seed if _is_int(seed) else None,
            transparency=_transparency_of(request),
            settings=settings,
        )

    def values(self, model_id: str, transparent: bool = True) -> dict[str, Any]:
        """The request fields frames on ``model_id`` keep (not the seed: the caller's choice).

        ``transparent=False`` makes them opaque even where the entry was transparent.
        """
        values: dict[str, Any] = {}
        if transparent and self.transparency:
            values["transparent_background"] = True
            values["transparent"] = self.transparency
        if model_id == self.model:
            values |= self.settings
        return values


def recipe_request(recipe: object) -> dict[str, Any]:
    """The request a history entry's recipe holds (under ``"request"``), or ``{}``.

    An imported image may have none; a recipe that is the request itself is taken as it is.
    """
    if not isinstance(recipe, Mapping):
        return {}
    request = recipe.get("request", recipe)
    return dict(request) if isinstance(request, Mapping) else {}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _transparency_of(request: Mapping[str, Any]) -> str:
    # A recipe stores native as transparent="native" and matte as the older boolean alone.
    if request.get("transparent") == "native":
        return "native"
    return "matte" if request.get("transparent_background") is True else ""


def pose_sequence(name_or_file: str) -> PoseSequence:
    """A shipped sequence by name (``walk``), or an edited one from a JSON file.

    Raises
    ------
    InvalidRequestError
        An unknown name, or a file that is not a pose sequence (one line naming it).
    """
    if not name_or_file.lower().endswith(".json") and not Path(name_or_file).exists():
        return builtin_sequence(name_or_file)
    path = Path(name_or_file).expanduser()
    text = read_user_text(
        path, max_bytes=MAX_POSE_FILE, what="pose sequence", error=InvalidRequestError
    )
    return PoseSequence.from_json(text, source=path.name)


def frame_names(sequence: PoseSequence) -> tuple[str, ...]:
    """The frame names of a sequence's sheet: ``walk_0``, ``walk_1``..."""
    return tuple(f"{sequence.name}_{number}" for number in range(len(sequence.poses)))


def sheet_request(
    sequence: PoseSequence, frames: Sequence[GeneratedImage], target: SheetTarget
) -> SheetExportRequest:
    """The sprite-sheet export of ``frames`` as the animation ``sequence.name`` at its fps.

    Raises
    ------
    StudioError
        When the frames are not one per pose (a job that ended early is not exported).
    """
    names = frame_names(sequence)
    if len(frames) != len(names):
        raise StudioError(
            f"The {sequence.name} sheet has {len(frames)} frames for {len(names)} poses: "
            "nothing was exported."
        )
    images = tuple(
        ExportImage(name, _rgba(frame.pixels), {"recipe": frame.request.to_dict()})
        for name, frame in zip(names, frames, strict=True)
    )
    return SheetExportRequest(
        folder=target.folder,
        frames=images,
        formats=target.formats,
        name=target.name or sequence.name,
        animations=(AnimationSpec(sequence.name, names, sequence.fps),),
        options=target.options,
        overwrite=target.overwrite,
    )


def make_character_sheet(
    engine: EngineProtocol,
    request: CharacterSheetRequest,
    target: SheetTarget,
    on_progress: ProgressCallback,
    cancel: threading.Event,
    on_frame: Callable[[GeneratedImage], None] | None = None,
) -> CharacterSheet:
    """Make every frame, then export the sheet; the folder is checked before the first frame.

    ``on_frame`` hears each frame the moment it exists (to write or commit it), so a
    cancelled job keeps the frames it made; the sheet is written only once every frame is
    there, all of its files or none.

    Raises
    ------
    JobCancelled
        ``cancel`` was set; no sheet file was written.
    StudioError
        The engine's one line (no OpenPose ControlNet, a built-in model...) or the export's.
    """
    check_sheet_target(
        target.folder, target.name or request.sequence.name, overwrite=target.overwrite
    )
    frames: list[GeneratedImage] = []
    for frame in engine.run(request, on_progress, cancel):
        frames.append(frame)
        if on_frame is not None:
            on_frame(frame)
    if cancel.is_set():
        raise JobCancelled()
    export = export_sheet(sheet_request(request.sequence, frames, target), cancel)
    return CharacterSheet(tuple(frames), export)


def _rgba(pixels: np.ndarray) -> np.ndarray:
    if pixels.shape[2] == 4:
        return pixels
    alpha = np.full((*pixels.shape[:2], 1), 255, dtype=np.uint8)
    return np.concatenate([pixels[:, :, :3], alpha], axis=2)
