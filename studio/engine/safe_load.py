"""Reading model files as data, never as code.

``.safetensors`` files are validated header first (the limits the safetensors README states) so a
damaged download fails with a clear message before anything is allocated. Pickle checkpoints
(``.ckpt .pt .bin .pth``) load only through ``torch.load(weights_only=True)``; there is no
fallback to an unsafe load. A refused pickle is told apart from a broken one by
:mod:`studio.engine.pickle_scan`, so the user learns whether to re-download or to convert.
Nothing next to a model file is ever read, imported or run (RELIABILITY 1-4).
"""

from __future__ import annotations

import json
import math
import struct
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from studio.domain.errors import DamagedModelError, UnsafeModelError
from studio.domain.files import require_regular_file
from studio.engine.pickle_scan import find_unsafe_globals

if TYPE_CHECKING:
    import torch

SAFETENSORS_SUFFIXES = frozenset({".safetensors"})
PICKLE_SUFFIXES = frozenset({".ckpt", ".pt", ".pth", ".bin"})
MODEL_FILE_SUFFIXES = SAFETENSORS_SUFFIXES | PICKLE_SUFFIXES
MAX_HEADER_BYTES = 100 * 1024 * 1024  # the safetensors format's own limit
METADATA_KEY = "__metadata__"
DTYPE_SIZES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E4M3FNUZ": 1, "F8_E5M2FNUZ": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4,
    "I64": 8, "U64": 8, "F64": 8, "C64": 8,
}  # fmt: skip
# Sub-byte and block-scaled dtypes newer safetensors versions know: valid, size not checked here.
PACKED_DTYPES = frozenset({"F8_E8M0", "F4", "F6_E2M3", "F6_E3M2"})
# The largest real checkpoints (SDXL with both text encoders) hold about 2,600 tensors; a header
# with a million entries would take half a minute and gigabytes just to parse.
MAX_TENSORS = 50_000
_ZIP_MAGIC = b"PK\x03\x04"


def damaged(path: Path | str, reason: str) -> DamagedModelError:
    """The one wording for a broken file, naming it and what to do."""
    return DamagedModelError(
        f"{Path(path).name} is damaged or incomplete ({reason}): download it again."
    )


def unsafe(path: Path | str, names: list[str] | None = None) -> UnsafeModelError:
    detail = f" ({', '.join(names[:3])})" if names else ""
    return UnsafeModelError(
        f"{Path(path).name} contains code{detail} and was not loaded: convert it to "
        ".safetensors or use a .safetensors download of the same model."
    )


def read_safetensors_header(path: Path | str) -> dict[str, Any]:
    """Read and validate the JSON header of a ``.safetensors`` file without loading tensors.

    Parameters
    ----------
    path
        The file to inspect.

    Returns
    -------
    dict
        Tensor name -> ``{"dtype", "shape", "data_offsets"}``, plus ``"__metadata__"`` if present.

    Raises
    ------
    DamagedModelError
        If the file is too small, its header length is absurd or runs past the end, the header
        is not a JSON object, the file is a zip archive in disguise, or tensor data is missing.
    """
    path = Path(path)
    require_regular_file(path, DamagedModelError)
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            prefix = stream.read(8)
            if prefix[:4] == _ZIP_MAGIC:
                raise damaged(path, "it is a zip archive, perhaps a .ckpt renamed to .safetensors")
            if size < 8 + 2:
                raise damaged(path, f"only {size} bytes")
            (header_len,) = struct.unpack("<Q", prefix)
            if header_len < 2 or header_len > MAX_HEADER_BYTES:
                raise damaged(path, f"header length {header_len} is not plausible")
            if 8 + header_len > size:
                raise damaged(path, "the header runs past the end of the file")
            raw = stream.read(header_len)
    except OSError as exc:
        raise damaged(path, f"cannot be read: {exc.strerror or exc}") from None
    header = _parse_header(path, raw)
    _check_offsets(path, header, data_size=size - 8 - header_len)
    return header


def _parse_header(path: Path, raw: bytes) -> dict[str, Any]:
    # Counted in the raw bytes so an absurd header fails in milliseconds, before json builds it.
    if raw.count(b'"data_offsets"') > MAX_TENSORS:
        raise damaged(path, f"the header lists more than {MAX_TENSORS:,} tensors")
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise damaged(path, "the header is not valid JSON") from None
    if not isinstance(header, dict):
        raise damaged(path, "the header is not a JSON object")
    return header


def _check_offsets(path: Path, header: dict[str, Any], data_size: int) -> None:
    if len(header) > MAX_TENSORS + 1:
        raise damaged(path, f"the header lists more than {MAX_TENSORS:,} tensors")
    spans = []
    for name, entry in header.items():
        if name == METADATA_KEY:
            if not isinstance(entry, dict):
                raise damaged(path, "its metadata is malformed")
            continue
        spans.append((*_entry_span(path, name, entry), name))
    # The format stores tensors back to back; safetensors itself refuses overlaps and gaps at
    # load time, so refusing them here keeps `models --add` and generation in agreement.
    end_of_data = 0
    for begin, end, name in sorted(spans):
        if begin != end_of_data:
            raise damaged(path, f"tensor {name!r} overlaps another or leaves a gap")
        end_of_data = end
    if end_of_data > data_size:
        raise damaged(path, f"{data_size} of {end_of_data} bytes of tensor data are present")
    if end_of_data < data_size:
        raise damaged(path, "it has unexpected bytes after the tensor data")


def _entry_span(path: Path, name: str, entry: Any) -> tuple[int, int]:
    try:
        dtype, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
        valid = (
            isinstance(dtype, str)
            and all(isinstance(d, int) and d >= 0 for d in shape)
            and isinstance(begin, int)
            and isinstance(end, int)
            and 0 <= begin <= end
        )
    except (TypeError, KeyError, ValueError):
        valid = False
    if not valid:
        raise damaged(path, f"the entry for tensor {name!r} is malformed")
    if dtype not in DTYPE_SIZES and dtype not in PACKED_DTYPES:
        raise damaged(path, f"tensor {name!r} has the unknown type {dtype[:20]!r}")
    item_size = DTYPE_SIZES.get(dtype)
    if item_size is not None and math.prod(shape) * item_size != end - begin:
        raise damaged(path, f"tensor {name!r} has the wrong byte size")
    return begin, end


def tensor_shapes(header: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """Tensor name -> shape from a validated header (metadata left out)."""
    return {k: tuple(v["shape"]) for k, v in header.items() if k != METADATA_KEY}


def read_tensor_numpy(path: Path | str, header: dict[str, Any], name: str) -> np.ndarray:
    """Read one small float tensor straight from a ``.safetensors`` file as float32 numpy.

    Used by family detection to look at a single bias without importing torch.
    """
    entry = header[name]
    begin, end = entry["data_offsets"]
    with Path(path).open("rb") as stream:
        (header_len,) = struct.unpack("<Q", stream.read(8))
        stream.seek(8 + header_len + begin)
        raw = stream.read(end - begin)
    dtype = entry["dtype"]
    if dtype == "BF16":
        widened = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        values = widened.view(np.float32)
    elif dtype in {"F16", "F32", "F64"}:
        values = np.frombuffer(raw, dtype={"F16": "<f2", "F32": "<f4", "F64": "<f8"}[dtype])
    else:
        raise ValueError(f"tensor {name!r} is {dtype}, not a float")
    return values.astype(np.float32).reshape(entry["shape"])


def load_state_dict(path: Path | str) -> dict[str, torch.Tensor]:
    """Load every tensor of a checkpoint onto the CPU, safely.

    Parameters
    ----------
    path
        A ``.safetensors`` file, or a pickle checkpoint (``.ckpt .pt .pth .bin``).

    Returns
    -------
    dict
        Tensor name -> tensor. A nested ``"state_dict"`` (Lightning checkpoints) is unwrapped
        and non-tensor entries (``global_step``...) are dropped.

    Raises
    ------
    DamagedModelError
        If the file is truncated, corrupt or not a checkpoint.
    UnsafeModelError
        If the pickle would import or call anything beyond tensors and plain containers.
    """
    path = Path(path)
    if path.suffix.lower() in SAFETENSORS_SUFFIXES:
        loaded = _load_safetensors(path)
    else:
        loaded = load_pickle(path)
    return _tensors_only(path, _unwrap_state_dict(path, loaded))


def _load_safetensors(path: Path) -> dict[str, Any]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    read_safetensors_header(path)
    try:
        return load_file(str(path), device="cpu")
    except (SafetensorError, OSError, RuntimeError) as exc:
        raise damaged(path, str(exc).splitlines()[0][:120]) from None


def load_pickle(path: Path | str, *, memory_map: bool = True) -> Any:
    """Whatever a pickle file holds, loaded as data only (``torch.load(weights_only=True)``).

    The one place Studio calls ``torch.load``: special files are refused before opening, a
    zip-format file is memory-mapped unless ``memory_map`` is false (a file about to be replaced
    must not stay mapped: Windows refuses to replace it), and a refusal says whether the file holds
    code or is broken.

    Raises
    ------
    DamagedModelError
        If the file is not a regular file, is empty, truncated or corrupt.
    UnsafeModelError
        If the pickle would import or call anything beyond tensors and plain containers.
    """
    import pickle

    import torch

    path = Path(path)
    require_regular_file(path, DamagedModelError)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise damaged(path, f"cannot be read: {exc.strerror or exc}") from None
    if size == 0:
        raise damaged(path, "the file is empty")
    is_zip = memory_map and zipfile.is_zipfile(path)
    try:
        with warnings.catch_warnings():
            # torch warns about pickle protocols it was not written with; not the user's business.
            warnings.simplefilter("ignore")
            return torch.load(path, map_location="cpu", weights_only=True, mmap=is_zip)
    except pickle.UnpicklingError as exc:
        unsafe_names = find_unsafe_globals(path)
        if unsafe_names or _names_a_blocked_global(str(exc)):
            raise unsafe(path, unsafe_names) from None
        raise damaged(path, "its pickle data is corrupt") from None
    except (RuntimeError, EOFError, ValueError, IndexError, KeyError, OSError, TypeError) as exc:
        unsafe_names = find_unsafe_globals(path)
        if unsafe_names:
            raise unsafe(path, unsafe_names) from None
        reason = (
            "it is truncated" if isinstance(exc, EOFError) else "it is not a readable checkpoint"
        )
        raise damaged(path, reason) from None


def _names_a_blocked_global(message: str) -> bool:
    # torch's weights-only unpickler says "Unsupported global: GLOBAL x.y" or "unsupported
    # GLOBAL x.y whose module x is blocked" depending on the version.
    return "GLOBAL" in message


# Lightning nests once, some converters twice; a file that nests deeper (or refers to itself,
# which pickle's memo allows in 1 KB) is refused instead of followed.
MAX_STATE_DICT_NESTING = 4


def _unwrap_state_dict(path: Path, loaded: Any) -> Any:
    for _ in range(MAX_STATE_DICT_NESTING + 1):
        inner = loaded.get("state_dict") if isinstance(loaded, dict) else None
        if not isinstance(inner, dict):
            return loaded
        if inner is loaded:
            raise damaged(path, "its state_dict refers to itself")
        loaded = inner
    raise damaged(path, "its state_dict is nested too deeply")


def _tensors_only(path: Path, loaded: Any) -> dict[str, torch.Tensor]:
    import torch

    if not isinstance(loaded, dict):
        raise damaged(path, "it holds no table of weights")
    tensors = {
        k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, torch.Tensor)
    }
    if not tensors:
        raise damaged(path, "it holds no weights")
    return tensors
