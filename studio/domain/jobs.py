"""The one type that crosses into the engine: every kind of job request, as a closed union.

The worker, its facade and the engine protocol carry a :data:`JobRequest`; the engine
dispatches on it with ``match``. A new kind of job adds its request dataclass here, so every
place that must handle it is found by the type checker instead of by a runtime ``isinstance``.

:data:`ImageJobRequest` is the part whose results are images (a
:class:`~studio.domain.results.GeneratedImage` carries one); a sprite-sheet export is a job
too (the CPU lane writes it) but its result is the files it wrote, never a history image;
so is a tile set (:data:`ExportRequest` names both). A character sheet
(:class:`~studio.domain.character_sheet.CharacterSheetRequest`) runs on the engine and yields
one generation per pose, each image carrying its own :class:`GenerationRequest`.
"""

from __future__ import annotations

from typing import Never, NoReturn, TypeAlias, assert_never

from studio.domain.character_sheet import CharacterSheetRequest
from studio.domain.errors import InvalidRequestError
from studio.domain.export_requests import SheetExportRequest, TilesetRequest
from studio.domain.image_requests import MakeSeamlessRequest, MatteRequest, PixelateRequest
from studio.domain.job_kind import JobKind
from studio.domain.requests import GenerationRequest
from studio.domain.style import StyleRequest
from studio.domain.upscale_request import UpscaleRequest

ImageJobRequest: TypeAlias = (
    GenerationRequest
    | StyleRequest
    | PixelateRequest
    | MatteRequest
    | MakeSeamlessRequest
    | UpscaleRequest
)
# Exports write files into a folder (studio.ops.export) on the CPU lane; no history image.
ExportRequest: TypeAlias = SheetExportRequest | TilesetRequest
JobRequest: TypeAlias = ImageJobRequest | ExportRequest | CharacterSheetRequest


def job_kind(request: JobRequest) -> JobKind:
    """The kind of job a request is (what its results are stored as)."""
    match request:
        case GenerationRequest() | StyleRequest():
            return request.kind
        case CharacterSheetRequest():
            return JobKind.GENERATE  # its frames are generations, stored as such
        case PixelateRequest():
            return JobKind.PIXELATE
        case MatteRequest():
            return JobKind.MATTE
        case MakeSeamlessRequest():
            return JobKind.TILE
        case UpscaleRequest():
            return JobKind.UPSCALE
        case SheetExportRequest():
            return JobKind.SHEET
        case TilesetRequest():
            return JobKind.TILESET
        case _:
            assert_never(request)


def unhandled_request(request: Never, who: str) -> NoReturn:
    """The ``case _`` of an exhaustive dispatch that must fail softly at run time.

    Typed like :func:`typing.assert_never`, so the type checker flags the dispatch when a new
    :data:`JobRequest` kind is not handled before it; at run time (an object that is not a
    request reached the engine) it is a one-line error instead of an ``AssertionError``.

    Raises
    ------
    InvalidRequestError
        Always, naming ``who`` and the request's type.
    """
    raise InvalidRequestError(f"{who} cannot run {type(request).__name__} jobs.")


__all__ = [
    "ExportRequest",
    "ImageJobRequest",
    "JobKind",
    "JobRequest",
    "job_kind",
    "unhandled_request",
]
