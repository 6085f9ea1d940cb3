"""Fuzzing properties shared by the CI tests and the long standalone run.

Two readers see bytes straight from strangers: the safetensors header parser and the PNG
text-chunk reader. Their properties:

- the header parser returns a header or raises DamagedModelError, nothing else; and when it
  accepts a file, safetensors itself loads it (``studio models --add`` and generation agree);
- the text-chunk reader returns text or raises MetadataError / ImageReadError, and decoding the
  same bytes gives pixels or ImageReadError.

``tests/hostile/test_fuzzing.py`` runs them with a bounded number of examples;
``python tests/hostile/fuzz_long.py`` runs them for as long as you like.
"""

from __future__ import annotations

import json
import struct
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from studio.domain.errors import DamagedModelError, ImageReadError, MetadataError

DTYPES = ["F32", "F16", "BF16", "I64", "U8", "BOOL", "F8_E4M3", "Q4", "f32", ""]

_ints = st.integers(min_value=-2, max_value=96)
_entry = st.fixed_dictionaries(
    {
        "dtype": st.sampled_from(DTYPES),
        "shape": st.lists(st.integers(min_value=-1, max_value=6), max_size=3),
        "data_offsets": st.lists(_ints, min_size=0, max_size=3),
    }
)
_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)
_SIZES = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "U8": 1, "BOOL": 1, "F8_E4M3": 1}
_MUTATIONS = ["none", "dtype", "shift", "overlap", "swap", "grow", "shape"]


@st.composite
def _almost_valid(draw) -> dict:
    """A well-formed header with at most one mutation: where real parsers disagree."""
    count = draw(st.integers(min_value=1, max_value=4))
    header, offset = {}, 0
    for index in range(count):
        dtype = draw(st.sampled_from(sorted(_SIZES)))
        shape = draw(st.lists(st.integers(min_value=0, max_value=4), max_size=2))
        size = _SIZES[dtype] * int(np.prod(shape)) if shape else _SIZES[dtype]
        header[f"t{index}"] = {
            "dtype": dtype,
            "shape": shape,
            "data_offsets": [offset, offset + size],
        }
        offset += size
    mutation = draw(st.sampled_from(_MUTATIONS))
    victim = header[f"t{draw(st.integers(min_value=0, max_value=count - 1))}"]
    begin, end = victim["data_offsets"]
    if mutation == "dtype":
        victim["dtype"] = draw(st.sampled_from(["Q4", "f32", "", "F128", "I4"]))
    elif mutation == "shift":
        delta = draw(st.integers(min_value=-3, max_value=3))
        victim["data_offsets"] = [begin + delta, end + delta]
    elif mutation == "overlap" and count > 1:
        first = header["t0"]["data_offsets"]
        victim["data_offsets"] = [first[0], first[0] + (end - begin)]
    elif mutation == "swap":
        victim["data_offsets"] = [end, begin]
    elif mutation == "grow":
        victim["data_offsets"] = [begin, end + draw(st.integers(min_value=1, max_value=4))]
    elif mutation == "shape":
        victim["shape"] = draw(st.lists(st.integers(min_value=-1, max_value=5), max_size=3))
    header["__total__"] = offset  # read back by the caller to size the data, then dropped
    return header


headers = st.one_of(
    _almost_valid(),
    st.dictionaries(st.text(min_size=1, max_size=6), _entry, max_size=5),
    st.dictionaries(st.text(max_size=6), _json_value, max_size=4),
)
data_sizes = st.integers(min_value=0, max_value=128)
raw_headers = st.binary(max_size=64)
header_lengths = st.one_of(st.none(), st.integers(min_value=0, max_value=2**64 - 1))


def check_safetensors_header(
    header: dict | None, raw: bytes, declared: int | None, data_size: int
) -> str:
    """Write one candidate file and check both properties; returns "accepted" or "refused"."""
    from safetensors.torch import load_file

    from studio.engine.safe_load import read_safetensors_header

    if isinstance(header, dict) and isinstance(header.get("__total__"), int):
        # An almost-valid header: mostly the exact data size, sometimes one byte off.
        header = dict(header)
        total = header.pop("__total__")
        data_size = max(0, total + (data_size % 3 - 1 if data_size % 5 == 0 else 0))
    body = json.dumps(header).encode() if header is not None else raw
    length = len(body) if declared is None else declared
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.safetensors"
        path.write_bytes(struct.pack("<Q", length) + body + bytes(data_size))
        try:
            read_safetensors_header(path)
        except DamagedModelError:
            return "refused"
        load_file(str(path))  # accepted files must load: raising here is a finding
    return "accepted"


_PNG_CHUNK_TYPES = [b"tEXt", b"zTXt", b"iTXt", b"IDAT", b"IEND", b"eXIf", b"abcd"]


def _chunk(kind: bytes, data: bytes, good_crc: bool) -> bytes:
    import zlib

    crc = zlib.crc32(kind + data) if good_crc else 0xDEADBEEF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


chunks = st.lists(
    st.tuples(st.sampled_from(_PNG_CHUNK_TYPES), st.binary(max_size=80), st.booleans()),
    max_size=6,
)
cuts = st.integers(min_value=0, max_value=4096)


def png_with_chunks(base_png: bytes, extra: list[tuple[bytes, bytes, bool]], cut: int) -> bytes:
    """``base_png`` with ``extra`` chunks inserted after IHDR, then cut at ``cut`` bytes."""
    head = base_png[:33]  # signature + IHDR
    inserted = b"".join(_chunk(kind, data, crc) for kind, data, crc in extra)
    whole = head + inserted + base_png[33:]
    return whole[: max(8, len(whole) - cut)] if cut else whole


def check_png_text(data: bytes) -> str:
    """Both readers end in a result or the documented error; returns what happened."""
    from studio.imaging.decode import load_pixels
    from studio.imaging.png import png_text_chunks

    outcome = []
    try:
        png_text_chunks(data)
        outcome.append("text")
    except (MetadataError, ImageReadError):
        outcome.append("text-refused")
    try:
        load_pixels(data)
        outcome.append("pixels")
    except ImageReadError:
        outcome.append("pixels-refused")
    return "+".join(outcome)
