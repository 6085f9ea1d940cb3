"""The options that shape a batch's items: stored with the batch, taken back by ``--resume``.

A batch is its spec, its seed and every option that changes what its items are (images per
prompt, model, size, steps...). They are stored in the output when the batch begins, so
``studio batch -o OUT --resume`` finishes the very same batch; a ``--resume`` that names one of
them with another value is refused, naming the option, instead of silently making a different
batch. Options that only say *where* images are made (``--device``, ``--ray``, ``--actors``) are
not part of the batch and may change between runs.
"""

from __future__ import annotations

import argparse
import os
import shlex
from pathlib import Path

from studio.domain.batch_spec import spec_kind
from studio.domain.errors import InvalidRequestError
from studio.domain.request_limits import parse_size
from studio.domain.samplers import canonical_sampler_name

# attribute -> (flag, default when neither the command nor the output gives it)
ITEM_OPTIONS: dict[str, tuple[str, object]] = {
    "spec": ("SPEC", None),
    "per_prompt": ("--per-prompt", 1),
    "model": ("--model", ""),
    "size": ("--size", None),
    "steps": ("--steps", None),
    "cfg": ("--cfg", None),
    "sampler": ("--sampler", None),
    "negative": ("--negative", None),
    "wildcards": ("--wildcards", None),
    "upscale": ("--upscale", None),
    "upscale_scale": ("--upscale-scale", None),
}
# What a stored value may be (None: not given); a tampered record is refused, not used.
_STORED_TYPES: dict[str, tuple[type, ...]] = {
    "spec": (str,),
    "per_prompt": (int,),
    "model": (str,),
    "size": (str,),
    "steps": (int,),
    "cfg": (int, float),
    "sampler": (str,),
    "negative": (str,),
    "wildcards": (str,),
    "upscale": (str,),
    "upscale_scale": (int,),
}
_RUNTIME_OPTIONS = (("device", "--device"), ("ray", "--ray"), ("actors", "--actors"))


def item_options(args: argparse.Namespace) -> dict[str, object]:
    """The item-shaping options of a command, in the form they are stored and compared.

    A spec or wildcard folder given as a path is stored absolute, so a resume from another
    folder finds the same file; a size and a sampler are stored in their canonical spelling.
    """
    options: dict[str, object] = {}
    for name in ITEM_OPTIONS:
        value = getattr(args, name, None)
        options[name] = None if value is None else _canonical(name, value)
    return options


def merge_for_resume(
    args: argparse.Namespace, stored: dict[str, object] | None, output: Path
) -> argparse.Namespace:
    """``args`` with every item option the command left out taken from the stored batch.

    Parameters
    ----------
    stored
        The options the output holds; ``None`` for a batch an older Studio began, which
        resumes with the command's options as given.

    Raises
    ------
    InvalidRequestError
        Naming the first option the command gives with a value other than the stored one.
    """
    merged = argparse.Namespace(**vars(args))
    if stored is None:
        if args.spec is None:
            raise InvalidRequestError(
                f"The batch in {output} was begun by an older Studio and does not record its "
                "options: give its SPEC and options again with --resume."
            )
        return _with_defaults(merged)
    _check_stored(stored, output)
    given = item_options(args)
    for name, (flag, _default) in ITEM_OPTIONS.items():
        mine, theirs = given[name], stored.get(name)
        if mine is not None and mine != theirs:
            was = "not given" if theirs is None else repr(theirs)
            raise InvalidRequestError(
                f"{flag} differs from the batch in {output} ({mine!r} here, {was} there): "
                f"drop {flag} to resume that batch, or start a new one in another output."
            )
        setattr(merged, name, theirs)
    return _with_defaults(merged)


def _check_stored(stored: dict[str, object], output: Path) -> None:
    for name, kinds in _STORED_TYPES.items():
        value = stored.get(name)
        if value is None or (isinstance(value, kinds) and not isinstance(value, bool)):
            continue
        flag = ITEM_OPTIONS[name][0]
        raise InvalidRequestError(
            f"The batch record in {output} holds a {flag} that is not "
            f"{'a number' if kinds[0] is not str else 'text'}: it was edited; restore it, or "
            "start the batch again in another output."
        )
    if stored.get("spec") is None:
        raise InvalidRequestError(
            f"The batch record in {output} names no SPEC: it was edited; restore it, or "
            "give the SPEC and options again with --resume."
        )


def fresh(args: argparse.Namespace) -> argparse.Namespace:
    """``args`` of a new batch, with the defaults of the options left out filled in."""
    if args.spec is None:
        raise InvalidRequestError("Give a SPEC (a template or a file), or --resume a batch.")
    return _with_defaults(argparse.Namespace(**vars(args)))


def resume_command(args: argparse.Namespace) -> str:
    """The command that finishes this batch: the output, ``--resume`` and where it runs."""
    words = ["studio", "batch", "-o", str(args.output), "--resume"]
    for name, flag in _RUNTIME_OPTIONS:
        value = getattr(args, name, None)
        if value is not None:
            words += [flag, str(value)]
    return shlex.join(words)


def _with_defaults(args: argparse.Namespace) -> argparse.Namespace:
    for name, (_flag, default) in ITEM_OPTIONS.items():
        if getattr(args, name, None) is None:
            setattr(args, name, default)
    if args.wildcards is not None:
        args.wildcards = Path(args.wildcards)  # stored as text
    return args


def _canonical(name: str, value: object) -> object:
    if name == "spec":
        text = str(value)
        looks_like_file = spec_kind(text) != "template" or text.lower().endswith(".txt")
        return os.path.abspath(text) if looks_like_file else text
    if name == "wildcards":
        return os.path.abspath(str(value))
    if name == "size":
        width, height = parse_size(str(value))
        return f"{width}x{height}"
    if name == "sampler":
        return canonical_sampler_name(str(value))
    if name == "cfg":
        return float(value)  # type: ignore[arg-type]
    return value
