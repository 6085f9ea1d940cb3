"""Tensor names and shapes of a torch pickle (``.pt .pth .bin .ckpt``), without torch.

A torch file's pickle only *describes* its tensors (storage key, offset, size, stride); the
bytes live beside it. This reader replays the pickle with an unpickler whose ``find_class``
hands out inert stand-ins for the few torch functions a weights file names and refuses every
other global, so nothing in the file runs and no tensor byte is read. A refused global is
reported as code in the file (``safe_load.unsafe``), anything else as damage: the same two
lines the real loader gives.
"""

from __future__ import annotations

import collections
import io
import pickle
import zipfile
from pathlib import Path
from typing import IO, Any

from studio.domain.errors import DamagedModelError
from studio.domain.files import require_regular_file
from studio.engine.pickle_scan import find_unsafe_globals
from studio.engine.safe_load import MAX_TENSORS, damaged, unsafe

MAX_PICKLE_BYTES = 32 * 1024 * 1024  # the pickle of an SDXL checkpoint is about 1 MB
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PREAMBLE = 3  # magic number, protocol version, system info, then the data
_WRAPPERS = ("state_dict", "params_ema", "params-ema", "params", "model_state_dict", "net")
_MAX_DEPTH = 4


class _Shape(tuple):
    """A tensor seen by its size only."""

    __slots__ = ()


def _rebuild_tensor(_storage: object, _offset: object, size: Any, *_rest: object) -> _Shape:
    return _Shape(int(d) for d in size)


def _rebuild_parameter(data: object, *_rest: object) -> object:
    return data


_ALLOWED: dict[str, Any] = {
    "torch._utils._rebuild_tensor": _rebuild_tensor,
    "torch._utils._rebuild_tensor_v2": _rebuild_tensor,
    "torch._utils._rebuild_tensor_v3": _rebuild_tensor,
    "torch._utils._rebuild_parameter": _rebuild_parameter,
    "torch._utils._rebuild_parameter_with_state": _rebuild_parameter,
    "collections.OrderedDict": collections.OrderedDict,
    "torch.Size": tuple,
}


class _ShapeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        full = f"{module}.{name}"
        if full in _ALLOWED:
            return _ALLOWED[full]
        if module == "torch" and (name.endswith("Storage") or name in _DTYPES):
            return full  # a storage type or dtype only names what the bytes hold
        raise pickle.UnpicklingError(f"unsupported global {full}")

    def persistent_load(self, pid: Any) -> None:
        return None


_DTYPES = frozenset({"float32", "float16", "bfloat16", "float64", "int64", "int32", "uint8"})


def pickle_tensor_shapes(path: Path | str) -> dict[str, tuple[int, ...]]:
    """Tensor name -> shape of a torch pickle; nested tables are joined with dots.

    A state-dict wrapper (Lightning's ``state_dict``, BasicSR's ``params_ema``) is unwrapped
    first, so an upscaler's names read as spandrel expects them and an A1111 embedding's as
    ``string_to_param.*``.

    Raises
    ------
    UnsafeModelError
        If the pickle names anything but tensors and plain containers.
    DamagedModelError
        If the file is not a regular file, too big a pickle, truncated or not a torch file.
    """
    path = Path(path)
    require_regular_file(path, DamagedModelError)
    try:
        loaded = _load(path)
    except pickle.UnpicklingError as exc:
        if "unsupported global" in str(exc):
            raise unsafe(path, [str(exc).rsplit(" ", 1)[-1]]) from None
        raise _refusal(path) from None
    except (OSError, EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError):
        raise _refusal(path) from None
    except (RecursionError, MemoryError):
        raise damaged(path, "its pickle is nested too deeply") from None
    shapes: dict[str, tuple[int, ...]] = {}
    _flatten(_unwrap(loaded), "", shapes, 0)
    if not shapes:
        raise damaged(path, "it holds no weights")
    if len(shapes) > MAX_TENSORS:
        raise damaged(path, f"it lists more than {MAX_TENSORS:,} tensors")
    return shapes


def _refusal(path: Path) -> Exception:
    names = find_unsafe_globals(path)
    return unsafe(path, names) if names else damaged(path, "it is not a readable torch file")


def _load(path: Path) -> Any:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            member = next((m for m in archive.infolist() if m.filename.endswith("data.pkl")), None)
            if member is None or member.file_size > MAX_PICKLE_BYTES:
                raise ValueError("no data.pkl of a plausible size")
            return _ShapeUnpickler(io.BytesIO(archive.read(member))).load()
    with path.open("rb") as stream:
        return _load_legacy(stream)


def _load_legacy(stream: IO[bytes]) -> Any:
    first = _ShapeUnpickler(stream).load()
    if first != _LEGACY_MAGIC:
        return first  # a plain pickle of a table
    for _ in range(_LEGACY_PREAMBLE - 1):
        _ShapeUnpickler(stream).load()
    return _ShapeUnpickler(stream).load()


def _unwrap(loaded: Any) -> Any:
    for _ in range(_MAX_DEPTH):
        if not isinstance(loaded, dict):
            return loaded
        inner = next((loaded[k] for k in _WRAPPERS if isinstance(loaded.get(k), dict)), None)
        if inner is None or inner is loaded:
            return loaded
        loaded = inner
    return loaded


def _flatten(value: Any, prefix: str, out: dict[str, tuple[int, ...]], depth: int) -> None:
    if isinstance(value, _Shape):
        out[prefix] = tuple(value)
    elif isinstance(value, dict) and depth < _MAX_DEPTH and len(out) <= MAX_TENSORS:
        for key, inner in value.items():
            if isinstance(key, str | int):
                _flatten(inner, f"{prefix}.{key}" if prefix else str(key), out, depth + 1)
