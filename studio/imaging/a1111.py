"""The AUTOMATIC1111 ``parameters`` text: the recipe layout most image tools read and write.

Layout (../shared/ANCHORS.md, "PNG metadata conventions")::

    a castle on a hill, golden hour
    Negative prompt: blurry, text
    Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 965400086, Size: 512x512, Model: sd15

The prompt may span lines; the negative prompt line is absent when it is empty; the last line
counts as parameters only when it holds at least three ``Key: value`` pairs. Values that contain
``,`` ``:`` or a newline are JSON-quoted. The parser is a linear scan (no backtracking regular
expression over the whole line), so hostile text cannot make it slow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable

from studio.domain.errors import MetadataError
from studio.domain.hires import a1111_upscaler_name
from studio.domain.models import SAMPLING_CONTROLS
from studio.domain.requests import GenerationRequest

NEGATIVE_PREFIX = "Negative prompt:"
MIN_PARAMETER_PAIRS = 3
MAX_PARAMETERS_TEXT = 1_000_000

# A key starts with a word character and holds words, spaces, dashes and slashes, as A1111's.
_KEY = re.compile(r"\s*(\w[\w \-/]{0,99}?)\s*:\s*")
# The parameter keys of each sampling control (``Schedule type`` is A1111 1.9's half of a
# sampler name), so a model that ignores a control has nothing written or shown for it.
CONTROL_KEYS = {
    "steps": ("Steps",),
    "sampler": ("Sampler", "Schedule type"),
    "cfg": ("CFG scale",),
}


def a1111_parameters(
    request: GenerationRequest,
    *,
    model_name: str = "",
    model_hash: str = "",
    extra: dict[str, object] | None = None,
    controls: Collection[str] = SAMPLING_CONTROLS,
) -> str:
    """Format a request as A1111 ``parameters`` text.

    Parameters
    ----------
    request
        The request with the seed the image actually used.
    model_name, model_hash
        Written as ``Model:`` and ``Model hash:`` when not empty.
    extra
        More ``Key: value`` pairs appended at the end; keys that the layout cannot hold (with
        ``:`` or ``,``) are skipped, since the ``studio`` chunk keeps everything anyway.
    controls
        The sampling controls the model read (:data:`~studio.domain.models.SAMPLING_CONTROLS`
        or fewer); ``Steps``, ``Sampler`` and ``CFG scale`` are written only for those, so a
        one-pass model's recipe does not claim settings it ignored.

    Returns
    -------
    str
        Prompt line(s), the negative prompt line when not empty, and the parameters line.
    """
    pairs: list[tuple[str, object]] = [
        ("Steps", request.steps if "steps" in controls else None),
        ("Sampler", request.sampler if "sampler" in controls else None),
        ("CFG scale", request.cfg_scale if "cfg" in controls else None),
        ("Seed", request.seed),
        ("Size", f"{request.width}x{request.height}"),
        ("Model hash", model_hash or None),
        ("Model", model_name or None),
        (
            "Denoising strength",
            request.strength if request.is_img2img or request.has_hires else None,
        ),
        *hires_parameters(request),
        *edit_parameters(request),
        ("Step cache", request.step_cache if request.step_cache > 1 else None),  # 0 and 1: off
    ]
    pairs.extend((extra or {}).items())
    return format_parameters_text(request.prompt, request.negative_prompt, pairs)


def ignored_parameter_keys(controls: Collection[str]) -> frozenset[str]:
    """The parameter keys of the sampling controls a model does not read."""
    return frozenset(
        key for name, keys in CONTROL_KEYS.items() if name not in controls for key in keys
    )


def hires_parameters(request: GenerationRequest) -> list[tuple[str, object]]:
    """A1111's hires-fix pairs: ``Hires upscale`` (or ``Hires resize: WxH`` for a set size),
    ``Hires steps`` when not 0, and ``Hires upscaler``; none when hires fix is off."""
    if not request.has_hires:
        return []
    if request.hires_width:
        size: tuple[str, object] = ("Hires resize", f"{request.hires_width}x{request.hires_height}")
    else:
        size = ("Hires upscale", request.hires_scale)
    return [
        size,
        ("Hires steps", request.hires_steps or None),
        ("Hires upscaler", a1111_upscaler_name(request.hires_upscaler)),
    ]


def edit_parameters(request: GenerationRequest) -> list[tuple[str, object]]:
    """The canvas-edit pairs of a request, under A1111's names where A1111 has them.

    ``Variation seed`` / ``Variation seed strength`` and ``Tiling: True`` are A1111's own;
    one-axis tiling is written ``Tiling: x`` or ``Tiling: y`` (InvokeAI's seamless axes);
    ``Mask blur``, ``Inpaint area``, ``Masked area padding`` follow A1111's inpaint options.
    """
    pairs: list[tuple[str, object]] = []
    if request.has_variation:
        pairs += [
            ("Variation seed", request.variation_seed),
            ("Variation seed strength", request.variation_strength),
        ]
    if request.tile_x or request.tile_y:
        pairs.append(("Tiling", "True" if request.tile_x and request.tile_y else
                      ("x" if request.tile_x else "y")))  # fmt: skip
    if request.is_inpaint:
        pairs.append(("Mask blur", request.mask_blur))
        if request.only_masked:
            pairs += [
                ("Inpaint area", "Only masked"),
                ("Masked area padding", request.only_masked_padding),
            ]
    if request.outpaint is not None:
        pairs += [
            ("Outpaint", ",".join(str(m) for m in request.outpaint)),
            ("Outpaint fill", request.outpaint_fill),
        ]
    return pairs


def format_parameters_text(
    prompt: str, negative_prompt: str, pairs: Iterable[tuple[str, object]]
) -> str:
    """Assemble A1111 text from a prompt, a negative prompt and ``(key, value)`` pairs.

    Pairs whose value is ``None`` or whose key the layout cannot hold are left out.
    """
    line = ", ".join(
        f"{key}: {quote_value(format_value(value))}"
        for key, value in pairs
        if value is not None and is_parameter_key(key)
    )
    negative = f"\n{NEGATIVE_PREFIX} {negative_prompt}" if negative_prompt else ""
    return f"{prompt}{negative}\n{line}".strip()


def is_parameter_key(key: str) -> bool:
    """Whether ``key`` can be written as an A1111 key (and read back as the same key)."""
    match = _KEY.fullmatch(f"{key}: ")
    return match is not None and match.group(1) == key


def format_value(value: object) -> str:
    """Text of a parameter value: ``7`` not ``7.0``, JSON for lists and dicts."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}" if value == value and abs(value) < 1e15 else str(value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def quote_value(text: str) -> str:
    """JSON-quote a value when it contains ``,`` ``:`` or a newline, as A1111 does."""
    if any(mark in text for mark in ",:\n\r"):
        return json.dumps(text, ensure_ascii=False)
    return text


def parse_a1111_parameters(text: str) -> dict:
    """Split A1111 ``parameters`` text into prompt, negative prompt and parameters.

    Parameters
    ----------
    text
        The text of a ``parameters`` chunk (or an EXIF UserComment).

    Returns
    -------
    dict
        ``{"prompt": str, "negative_prompt": str, "params": dict[str, str]}``; quoted values
        are unquoted, ``Size`` stays ``"WxH"``.

    Raises
    ------
    MetadataError
        If the text is larger than 1 MB.
    """
    if len(text) > MAX_PARAMETERS_TEXT:
        raise MetadataError(
            f"metadata unreadable: the parameters text holds {len(text):,} characters; "
            f"Studio reads up to {MAX_PARAMETERS_TEXT:,}."
        )
    lines = text.strip().replace("\r\n", "\n").split("\n")
    params = dict(split_parameter_pairs(lines[-1]))
    if len(params) >= MIN_PARAMETER_PAIRS:
        lines = lines[:-1]
    else:
        params = {}
    prompt, negative = _split_prompts(lines)
    return {"prompt": prompt, "negative_prompt": negative, "params": params}


def _split_prompts(lines: list[str]) -> tuple[str, str]:
    prompt_lines: list[str] = []
    negative_lines: list[str] = []
    for raw_line in lines:
        line = raw_line.strip()
        if not negative_lines and line.startswith(NEGATIVE_PREFIX):
            negative_lines.append(line[len(NEGATIVE_PREFIX) :].strip())
        elif negative_lines:
            negative_lines.append(line)
        else:
            prompt_lines.append(line)
    return "\n".join(prompt_lines), "\n".join(negative_lines)


def split_parameter_pairs(line: str) -> list[tuple[str, str]]:
    """Read ``Key: value, Key: "quoted, value", ...`` pairs from one line, in order.

    Text that is not a pair is skipped up to the next comma. Runs in time linear in the line's
    length, whatever the line holds.
    """
    pairs: list[tuple[str, str]] = []
    position = 0
    # Once a quote is found with no closing quote after it, no later quote can close either
    # (the scan from the earlier quote passed over them), so stop looking: keeps this linear.
    quotes_can_close = True
    while position < len(line):
        key_match = _KEY.match(line, position)
        if key_match is None:
            position = _after_next_comma(line, position)
            continue
        position = key_match.end()
        value: str | None = None
        if quotes_can_close and line.startswith('"', position):
            value, end = _read_quoted(line, position)
            if value is None:
                quotes_can_close = False
            else:
                position = end
        if value is None:
            end = _next_comma(line, position)
            value, position = line[position:end].strip(), end
        pairs.append((key_match.group(1), value))
        position = _after_next_comma(line, position)
    return pairs


def _read_quoted(line: str, start: int) -> tuple[str | None, int]:
    """JSON string starting at ``start``: its value and end, or ``(None, start)`` if unclosed."""
    index = start + 1
    while index < len(line):
        char = line[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            try:
                return json.loads(line[start : index + 1]), index + 1
            except json.JSONDecodeError:
                return line[start + 1 : index], index + 1
        index += 1
    return None, start


def _next_comma(line: str, position: int) -> int:
    comma = line.find(",", position)
    return len(line) if comma < 0 else comma


def _after_next_comma(line: str, position: int) -> int:
    return _next_comma(line, position) + 1
