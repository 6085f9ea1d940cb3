"""Sampler names as artists know them from AUTOMATIC1111 and ComfyUI.

The mapping from these names to diffusers scheduler classes lives in the engine; the names live
here so the UI and the CLI can offer and validate them without importing torch.
"""

from __future__ import annotations

from studio.domain.errors import InvalidRequestError

DEFAULT_SAMPLER = "DPM++ 2M Karras"

SAMPLER_NAMES: tuple[str, ...] = (
    "Euler",
    "Euler a",
    "DPM++ 2M",
    "DPM++ 2M Karras",
    "DPM++ 2M SDE Karras",
    "DPM++ SDE Karras",
    "Heun",
    "LMS",
    "DDIM",
    "UniPC",
    "LCM",
    # Few-step models (studio.domain.few_step) start their steps from pure noise: diffusers'
    # "trailing" timestep spacing, A1111's and ComfyUI's "SGM Uniform" schedule.
    "Euler trailing",
    "Euler a trailing",
    "DDIM trailing",
)

_BY_FOLDED_NAME = {name.casefold().replace("_", " "): name for name in SAMPLER_NAMES}


def canonical_sampler_name(name: str) -> str:
    """Return the canonical spelling of a sampler name.

    Parameters
    ----------
    name
        A sampler name in any letter case, with ``_`` or spaces (``euler_a``, ``DPM++ 2M``).

    Returns
    -------
    str
        The name as listed in :data:`SAMPLER_NAMES`.

    Raises
    ------
    InvalidRequestError
        If the name is not a known sampler; the message lists the known ones.
    """
    folded = name.strip().casefold().replace("_", " ")
    try:
        return _BY_FOLDED_NAME[folded]
    except KeyError:
        known = ", ".join(SAMPLER_NAMES)
        raise InvalidRequestError(f"Unknown sampler {name!r}. Choose one of: {known}.") from None


# DeepCache's images drift from the full ones when the UNet runs in full less often than this.
MAX_STEP_CACHE = 10


def check_step_cache(interval: int) -> None:
    """Refuse a step-cache interval outside 0 (off) to :data:`MAX_STEP_CACHE`.

    Raises
    ------
    InvalidRequestError
        With the range to use.
    """
    if not isinstance(interval, int) or not 0 <= interval <= MAX_STEP_CACHE:
        raise InvalidRequestError(
            f"Step cache {interval} is out of range: use 0 (off) to {MAX_STEP_CACHE}."
        )
