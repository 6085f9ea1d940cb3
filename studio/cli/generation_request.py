"""The generation request a command builds from its options and the model's defaults.

``studio generate`` and ``studio frames`` both read ``--negative``, ``--steps``, ``--seed`` and a
size; this is the one place those become request fields, so the two commands cannot drift apart
on what an omitted option means (the model's default, from
:func:`studio.ops.request_defaults.complete_request`, as in the GUI and ``studio batch``).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from studio.domain.models import ModelInfo
from studio.domain.requests import GenerationRequest
from studio.ops.request_defaults import complete_request


def generation_request(
    args: argparse.Namespace,
    model_info: ModelInfo,
    prompt: str,
    size: tuple[int, int] | None,
    fields: Mapping[str, object],
) -> GenerationRequest:
    """Combine the shared options, a command's own ``fields`` and the model's defaults.

    Parameters
    ----------
    args
        The parsed command line; ``negative``, ``steps`` and ``seed`` are read from it.
    model_info
        The model the request runs on; it fills in whatever is left unset (``None``).
    prompt
        The prompt to draw (a command may take it from elsewhere than ``args``).
    size
        ``(width, height)``, or ``None`` for the model's native size.
    fields
        Further request fields the command sets (sampler, references, edits...); they win
        over the shared ones (an outpaint's grown canvas sets its own size).

    Raises
    ------
    InvalidRequestError
        If a value is out of range.
    """
    values = {
        "prompt": prompt,
        "negative_prompt": args.negative,
        "steps": args.steps,
        "width": size[0] if size else None,
        "height": size[1] if size else None,
        "seed": args.seed,
        **fields,
    }
    return GenerationRequest(**complete_request(values, model_info))
