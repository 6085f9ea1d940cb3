"""A1111's "Hires. fix" as request values: the upscaler names, the final size and the checks.

The two-pass job itself (generate, upscale, image-to-image at the larger size) runs in the
engine (:mod:`studio.engine.sd.hires`); what the request may ask for is decided here, so the
request, the recipe text and every face agree on the names and the size.

Upscalers are named as A1111 lists them, compared without letter case: the ``Latent`` modes
resize the latents (no decode between the passes), ``Nearest`` and ``Lanczos`` resize pixels,
and any other name is an upscaler model the engine finds by name.
"""

from __future__ import annotations

from studio.domain.errors import InvalidRequestError

LATENT_UPSCALERS = ("latent", "latent (antialiased)", "latent (bicubic)",
                    "latent (bicubic antialiased)", "latent (nearest)",
                    "latent (nearest-exact)")  # fmt: skip
"""A1111's latent modes: bilinear unless the brackets name the interpolation, and whether it
antialiases (:func:`latent_interpolation`)."""
PIXEL_UPSCALERS = ("nearest", "lanczos")
"""Upscalers that resize the decoded pixels without a model."""
BUILTIN_UPSCALERS = (*LATENT_UPSCALERS, *PIXEL_UPSCALERS)
DEFAULT_HIRES_UPSCALER = "latent"
MAX_HIRES_SCALE = 4.0  # A1111's slider ends here too
MAX_UPSCALER_NAME = 200


def canonical_upscaler(name: str) -> str:
    """The stored spelling of an upscaler name: lower case for a built-in one, else as given.

    Raises
    ------
    InvalidRequestError
        If the name is empty or absurdly long.
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidRequestError(
            f"Hires upscaler is empty: use {', '.join(BUILTIN_UPSCALERS)} or an upscaler model."
        )
    stripped = name.strip()
    if len(stripped) > MAX_UPSCALER_NAME:
        raise InvalidRequestError(
            f"Hires upscaler name holds {len(stripped):,} characters; name a model file."
        )
    folded = stripped.casefold()
    return folded if folded in BUILTIN_UPSCALERS else stripped


def a1111_upscaler_name(name: str) -> str:
    """The name as A1111 writes it in ``Hires upscaler:`` (``Latent``, ``Lanczos``, a model)."""
    return name[:1].upper() + name[1:] if name in BUILTIN_UPSCALERS else name


def is_latent_upscaler(name: str) -> bool:
    """Whether ``name`` resizes the latents rather than decoded pixels."""
    return name in LATENT_UPSCALERS


def latent_interpolation(name: str) -> tuple[str, bool]:
    """The ``torch.nn.functional.interpolate`` mode of a latent upscaler and its antialias."""
    inside = name.partition("(")[2].rstrip(")")
    return inside.removesuffix("antialiased").strip() or "bilinear", inside.endswith("antialiased")


def hires_target(
    width: int, height: int, scale: float, size: tuple[int, int] | None
) -> tuple[int, int]:
    """The size of the second pass: ``size`` when given, else the first size times ``scale``.

    Each side is rounded down to a multiple of 8, as the latents are (A1111 does the same).
    """
    if size is not None:
        return size
    return int(width * scale) // 8 * 8, int(height * scale) // 8 * 8


def check_hires(
    scale: float, steps: int, size: tuple[int, int] | None, *, max_steps: int, img2img: bool
) -> None:
    """Refuse hires values no job could run, in one line each.

    Parameters
    ----------
    scale
        1 (off) to :data:`MAX_HIRES_SCALE`.
    steps
        Second-pass steps, 0 meaning the first pass's count.
    size
        An explicit second-pass size, or ``None``; its sides are checked by the request.
    max_steps
        The request's step limit.
    img2img
        Whether the request starts from an image (hires fix is text-to-image's option).

    Raises
    ------
    InvalidRequestError
        For a scale or step count out of range, or hires on an image-to-image request.
    """
    if not 1.0 <= scale <= MAX_HIRES_SCALE:
        raise InvalidRequestError(
            f"Hires scale {scale:g} is out of range: use 1 (off) to {MAX_HIRES_SCALE:g}."
        )
    if not 0 <= steps <= max_steps:
        raise InvalidRequestError(
            f"Hires steps {steps} is out of range: use 0 (as many as the first pass) to "
            f"{max_steps}."
        )
    if img2img and (scale > 1.0 or size is not None):
        raise InvalidRequestError(
            "Hires fix enlarges a text-to-image result: clear the source image, or set the "
            "hires scale to 1."
        )
