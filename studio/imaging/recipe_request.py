"""Turning recipe parameters read from other tools into a :class:`GenerationRequest`.

Values are taken one by one and checked by the request itself, so a recipe with one odd value
(a sampler Studio lacks, 150+ steps, a size that is not a multiple of 8) still replays: the odd
value falls back to Studio's default or is snapped, and a note says so. The model is never set
from another tool's checkpoint name (it names a file on someone else's disk); it stays in the
recipe's params and ``model_name`` for the user to pick.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from studio.domain.control_recipe import controls_from_parameters
from studio.domain.editing import DEFAULT_OUTPAINT_FILL, parse_margins
from studio.domain.errors import InvalidRequestError
from studio.domain.reference import references_from_parameters
from studio.domain.request_limits import MAX_SIDE, MIN_SIDE
from studio.domain.requests import GenerationRequest
from studio.domain.samplers import DEFAULT_SAMPLER, canonical_sampler_name

# ComfyUI's sampler names, as A1111 spells them; the scheduler adds "Karras" where listed.
COMFYUI_SAMPLERS = {
    "euler": "Euler",
    "euler_ancestral": "Euler a",
    "heun": "Heun",
    "lms": "LMS",
    "ddim": "DDIM",
    "uni_pc": "UniPC",
    "uni_pc_bh2": "UniPC",
    "lcm": "LCM",
    "dpmpp_2m": "DPM++ 2M",
    "dpmpp_2m_sde": "DPM++ 2M SDE",
    "dpmpp_sde": "DPM++ SDE",
}


def studio_sampler(name: str, schedule: str = "") -> str | None:
    """Studio's sampler for an A1111 sampler name and schedule type, or ``None`` if none fits.

    A1111 1.9+ writes ``Sampler: DPM++ 2M, Schedule type: Karras``; older versions and Studio
    write ``Sampler: DPM++ 2M Karras``. Both map to ``DPM++ 2M Karras``.
    """
    candidates = [f"{name} Karras"] if schedule.strip().casefold() == "karras" else []
    candidates.append(name)
    for candidate in candidates:
        try:
            return canonical_sampler_name(candidate)
        except InvalidRequestError:
            continue
    return None


def comfyui_sampler(sampler_name: str, scheduler: str = "") -> str | None:
    """Studio's sampler for ComfyUI's ``sampler_name`` and ``scheduler``, or ``None``."""
    return studio_sampler(COMFYUI_SAMPLERS.get(sampler_name, sampler_name), scheduler)


def request_from_params(
    prompt: str, negative_prompt: str, params: dict[str, str], sampler: str | None
) -> tuple[GenerationRequest, list[str]]:
    """Build a request from parsed recipe text, keeping every value that is valid.

    Parameters
    ----------
    prompt, negative_prompt
        The recipe's texts.
    params
        ``Steps``, ``CFG scale``, ``Seed``, ``Size`` (``WxH``), ``Denoising strength`` or
        ``Denoise`` as text, ``ControlNet N`` and ``IP-Adapter N`` units (read without their
        images); missing keys keep Studio's defaults.
    sampler
        Studio's sampler name, or ``None`` when the recipe's sampler has no match.

    Returns
    -------
    tuple
        The request and notes (one line each) about values that were changed or dropped.
    """
    notes: list[str] = []
    request = GenerationRequest(prompt=prompt, negative_prompt=negative_prompt)
    changes: list[tuple[str, dict[str, Any]]] = []
    if "Sampler" in params:
        if sampler is None:
            notes.append(
                f"Sampler {params['Sampler']!r} is not in Studio; using {DEFAULT_SAMPLER}."
            )
        else:
            changes.append(("Sampler", {"sampler": sampler}))
    for key, field_name, convert in _NUMBER_FIELDS:
        if key in params:
            value = convert(params[key])
            changes.append((key, {field_name: value}))
    strength = params.get("Denoising strength", params.get("Denoise"))
    if strength is not None and _to_float(strength) != 1.0:
        changes.append(("Denoising strength", {"strength": _to_float(strength)}))
    if "Size" in params:
        changes.append(("Size", _size_fields(params["Size"], notes)))
    changes += _edit_changes(params) + _hires_changes(params)
    for key, fields in changes:
        request = _apply(request, key, fields, notes)
    # A recipe holds a unit's settings, never its image: the faces name what is missing.
    read_back: tuple[tuple[str, Any, str], ...] = (
        ("controls", controls_from_parameters(params), "ControlNet unit(s)"),
        ("references", references_from_parameters(params), "reference image(s)"),
    )
    for name, units, what in read_back:
        if units:
            request = replace(request, **{name: units})
            again = "add each image again."
            notes.append(f"{len(units)} {what} read back without their images: {again}")
    return request, notes


def _edit_changes(params: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Variation, tiling and inpaint settings, read back under the names A1111 writes."""
    changes: list[tuple[str, dict[str, Any]]] = []
    strength = _to_float(params.get("Variation seed strength", "0")) or 0.0
    if "Variation seed" in params and strength > 0:
        changes.append(
            (
                "Variation seed",
                {
                    "variation_seed": _to_int(params["Variation seed"]),
                    "variation_strength": strength,
                },
            )
        )
    tiling = params.get("Tiling", "").strip().lower()
    if tiling in ("true", "xy", "x", "y"):
        both = tiling in ("true", "xy")
        changes.append(
            ("Tiling", {"tile_x": both or tiling == "x", "tile_y": both or tiling == "y"})
        )
    if "Mask blur" in params:
        changes.append(("Mask blur", {"mask_blur": _to_int(params["Mask blur"])}))
    if params.get("Inpaint area", "").lower() == "only masked":
        padding = _to_int(params.get("Masked area padding", "32"))
        changes.append(("Inpaint area", {"only_masked": True, "only_masked_padding": padding}))
    if "Outpaint" in params:
        try:
            margins: object = parse_margins(params["Outpaint"])
        except InvalidRequestError:
            margins = None
        fill = params.get("Outpaint fill", DEFAULT_OUTPAINT_FILL)
        changes.append(("Outpaint", {"outpaint": margins, "outpaint_fill": fill}))
    return changes


def _hires_changes(params: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """A1111's hires-fix keys: ``Hires upscale`` or ``Hires resize``, steps and upscaler."""
    changes: list[tuple[str, dict[str, Any]]] = []
    if "Hires resize" in params:
        size = _size_fields(params["Hires resize"], [])
        if MIN_SIDE in size.values():  # A1111's 0 (keep the aspect) snapped up: Studio needs both
            size = {"width": None, "height": None}
        changes.append(
            ("Hires resize", {"hires_width": size["width"], "hires_height": size["height"]})
        )
    elif "Hires upscale" in params:
        changes.append(("Hires upscale", {"hires_scale": _to_float(params["Hires upscale"])}))
    if changes and "Hires steps" in params:
        changes.append(("Hires steps", {"hires_steps": _to_int(params["Hires steps"])}))
    if changes and "Hires upscaler" in params:
        changes.append(("Hires upscaler", {"hires_upscaler": params["Hires upscaler"]}))
    return changes


def _apply(
    request: GenerationRequest, key: str, fields: dict[str, Any], notes: list[str]
) -> GenerationRequest:
    if any(value is None for value in fields.values()):
        notes.append(f"{key} is not a usable value; using Studio's default.")
        return request
    try:
        return replace(request, **fields)
    except (InvalidRequestError, TypeError) as exc:
        notes.append(f"{key}: {exc} Using Studio's default.")
        return request


def _to_int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        number = _to_float(text)
        return int(number) if number is not None and number.is_integer() else None


def _to_float(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


_NUMBER_FIELDS = (
    ("Steps", "steps", _to_int),
    ("CFG scale", "cfg_scale", _to_float),
    ("Seed", "seed", _to_int),
    ("Step cache", "step_cache", _to_int),
)


def _size_fields(text: str, notes: list[str]) -> dict[str, Any]:
    """Width and height from ``WxH``, snapped to a multiple of 8 within Studio's range."""
    parts = text.lower().replace(" ", "").split("x")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return {"width": None, "height": None}
    original = (int(parts[0]), int(parts[1]))
    snapped = tuple(min(MAX_SIDE, max(MIN_SIDE, side - side % 8)) for side in original)
    if snapped != original:
        notes.append(
            f"Size {original[0]}x{original[1]} became {snapped[0]}x{snapped[1]} "
            "(Studio needs multiples of 8 up to 4096)."
        )
    return {"width": snapped[0], "height": snapped[1]}
