"""One serializer for every job request, driven by its dataclass fields and type hints.

A request's JSON form (the ``studio`` PNG chunk, the project's recipes, a Ray batch's rows) is
read off :func:`dataclasses.fields`: plain fields are written under their own name (tuples as
lists, enums as their value), image fields (declared with :func:`image_field`) are written as
SHA-256 digests under the key they name, never as pixels, and ``schema`` comes last. Reading
back converts by the type hint (lists to tuples, values to enums, booleans only from JSON
booleans) and leaves ranges to the request's own ``__post_init__``. A new field is a one-line
change to the dataclass; there is no hand-written ``to_dict``/``from_dict`` to keep in step.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from studio.domain.errors import InvalidRequestError

HASH_KEY = "sha256_key"
"""Field metadata: the key an image field's digest is stored under."""
STORED_DEFAULT = "stored_default"
"""Field metadata: the value a stored request without the field meant (before it existed)."""
WRITTEN_WHEN_SET = "written_when_set"
"""Field metadata: the field is stored only when it differs from its default."""

R = TypeVar("R")


def image_field(hash_key: str, default: Any = dataclasses.MISSING) -> Any:
    """A field holding encoded image bytes (or a tuple of them), stored as its SHA-256 digest.

    Parameters
    ----------
    hash_key
        The JSON key of the digest (a list of digests for a tuple of images).
    default
        The field's default; none makes it required.
    """
    return dataclasses.field(
        default=default, repr=False, compare=False, metadata={HASH_KEY: hash_key}
    )


def optional_field(default: Any) -> Any:
    """A field stored only when it is not ``default``.

    For an option added after requests were first stored: a request that leaves it alone
    writes the same JSON as before the option existed, so its recipe (and the batch skip that
    compares recipes) does not change.
    """
    return dataclasses.field(default=default, metadata={WRITTEN_WHEN_SET: True})


def request_to_dict(request: Any) -> dict[str, Any]:
    """Plain JSON-able dict of a request; images are referenced by SHA-256, not embedded.

    Key order is fixed (plain fields, then digests, then ``schema``) so a recipe reads the same
    whatever Studio version wrote it.
    """
    data: dict[str, Any] = {}
    digests: dict[str, Any] = {}
    for item in dataclasses.fields(request):
        value = getattr(request, item.name)
        hash_key = item.metadata.get(HASH_KEY)
        if hash_key is not None:
            digests[hash_key] = _digest(value)
        elif item.metadata.get(WRITTEN_WHEN_SET) and value == item.default:
            continue
        else:
            data[item.name] = _plain(value)
    data.update(digests)
    data["schema"] = request.schema
    return data


class StoredByFields:
    """Base of a request dataclass stored by its fields: its :meth:`to_dict` is the one codec.

    The subclass sets ``schema`` (a ``ClassVar[int]``) and its own ``from_dict``, which knows
    which images the stored digests refer to.
    """

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict; images are referenced by SHA-256, not embedded."""
        return request_to_dict(self)


def request_from_dict(
    cls: type[R], data: Any, images: Mapping[str, Any], what: str = "request"
) -> R:
    """Build a ``cls`` from :func:`request_to_dict` output and the images it references.

    Unknown keys (a newer Studio's fields, the digests, ``schema``) are ignored; a missing key
    keeps the field's stored default, or its dataclass default.

    Parameters
    ----------
    cls
        The request dataclass.
    data
        The stored dict (anything else is refused).
    images
        The image fields' values by field name (the digests are not checked here).
    what
        How errors name the request ("style request").

    Raises
    ------
    InvalidRequestError
        If ``data`` is not a dict, or a value has the wrong type or is out of range.
    """
    if not isinstance(data, dict):
        raise InvalidRequestError(f"A stored {what} must be a JSON object.")
    hints = get_type_hints(cls)
    kwargs: dict[str, Any] = dict(images)
    for item in dataclasses.fields(cls):  # type: ignore[arg-type]  # cls is a dataclass
        if HASH_KEY in item.metadata:
            continue
        if item.name in data:
            kwargs[item.name] = _decode(item.name, hints[item.name], data[item.name], what)
        elif STORED_DEFAULT in item.metadata:
            kwargs[item.name] = item.metadata[STORED_DEFAULT]
    try:
        return cls(**kwargs)
    except (TypeError, AttributeError) as exc:  # a value of the wrong type
        raise InvalidRequestError(f"Stored {what} is malformed: {exc}") from None


def _digest(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, tuple):
        return [hashlib.sha256(image).hexdigest() for image in value]
    return hashlib.sha256(value).hexdigest()


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):  # a unit nested in a request (a ControlNet's ControlSpec)
        return value.to_dict()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _decode(name: str, hint: Any, value: Any, what: str) -> Any:
    """The field's value from its JSON form, converted the one way its type hint says."""
    kind = _without_none(hint)
    if value is None:
        return None  # the request itself refuses None where the field is not optional
    if kind is bool:
        # bool("false") is True: a stored flag must be a real JSON boolean.
        if not isinstance(value, bool):
            raise InvalidRequestError(
                f"Stored {what} is malformed: {name} must be true or false, not {value!r:.40}."
            )
        return value
    if get_origin(kind) is tuple:
        if not isinstance(value, list | tuple):
            raise InvalidRequestError(f"Stored {what} is malformed: {name} must be a list.")
        item = (get_args(kind) or (None,))[0]
        if isinstance(item, type) and hasattr(item, "from_dict"):
            return tuple(item.from_dict(entry) for entry in value)
        return tuple(value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(value)
        except ValueError:
            raise InvalidRequestError(
                f"Stored {what} is malformed: {name} {value!r:.40} is unknown."
            ) from None
    return value


def _without_none(hint: Any) -> Any:
    """``X | None`` (or ``Optional[X]``) -> ``X``; anything else unchanged."""
    if get_origin(hint) in (Union, types.UnionType):
        args = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint
