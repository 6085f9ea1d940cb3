"""Derive the CLIP BPE tokenizer files (vocab.json, merges.txt) from OpenAI's merge list.

Stable Diffusion 1.x, 2.x and SDXL all tokenize with the byte-level BPE of OpenAI CLIP
(49408 tokens). The merge list ships as ``bpe_simple_vocab_16e6.txt.gz`` in OpenAI's CLIP
repository and in ``open_clip_torch`` (both MIT). This script rebuilds the two files that
``transformers.CLIPTokenizer`` reads, so Studio loads single-file checkpoints with no network.

Usage::

    python resources/tokenizers/build_clip_tokenizer.py path/to/bpe_simple_vocab_16e6.txt.gz
    python resources/tokenizers/build_clip_tokenizer.py open_clip_torch-3.3.0-py3-none-any.whl

The output is deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zipfile
from pathlib import Path

WHEEL_MEMBER = "open_clip/bpe_simple_vocab_16e6.txt.gz"
# CLIP keeps the first 49152 - 256 - 2 merges of the 16e6 list: 256 byte tokens, their 256
# end-of-word variants, the merges and two special tokens make exactly 49408 ids.
MERGE_COUNT = 49152 - 256 - 2
SPECIAL_TOKENS = ("<|startoftext|>", "<|endoftext|>")
VOCAB_SIZE = 49408
OUT_DIR = Path(__file__).resolve().parent / "clip"


def byte_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible map from the 256 byte values to printable characters.

    Printable Latin-1 bytes map to themselves; every other byte is shifted to code points from
    256 upward, so BPE never sees whitespace or control characters.
    """
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    codes = list(printable)
    shifted = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + shifted)
            shifted += 1
    return {byte: chr(code) for byte, code in zip(printable, codes, strict=True)}


def read_merge_list(source: Path) -> list[tuple[str, str]]:
    """The merges CLIP uses, from the ``.txt.gz`` itself or from a wheel that contains it."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            compressed = wheel.read(WHEEL_MEMBER)
    else:
        compressed = source.read_bytes()
    lines = gzip.decompress(compressed).decode("utf-8").split("\n")
    # Line 0 is a header ("#version: 0.2" after the file name).
    merges = [tuple(line.split()) for line in lines[1 : MERGE_COUNT + 1]]
    if len(merges) != MERGE_COUNT or any(len(pair) != 2 for pair in merges):
        raise ValueError(f"{source} does not hold the CLIP merge list")
    return merges  # type: ignore[return-value]


def build_vocab(merges: list[tuple[str, str]]) -> dict[str, int]:
    """Token -> id in CLIP's order: bytes, bytes + '</w>', merges, special tokens."""
    byte_tokens = list(byte_to_unicode().values())
    tokens = [*byte_tokens, *(t + "</w>" for t in byte_tokens)]
    tokens += ["".join(pair) for pair in merges]
    tokens += list(SPECIAL_TOKENS)
    vocab = {token: index for index, token in enumerate(tokens)}
    if len(vocab) != VOCAB_SIZE:
        raise ValueError(f"expected {VOCAB_SIZE} tokens, built {len(vocab)}")
    return vocab


def write_files(vocab: dict[str, int], merges: list[tuple[str, str]], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "vocab.json").write_text(
        json.dumps(vocab, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    merge_lines = ["#version: 0.2", *(f"{a} {b}" for a, b in merges)]
    (out_dir / "merges.txt").write_text("\n".join(merge_lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source", type=Path, help="bpe_simple_vocab_16e6.txt.gz or an open_clip wheel"
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args(argv)
    merges = read_merge_list(args.source)
    vocab = build_vocab(merges)
    write_files(vocab, merges, args.out)
    print(f"wrote {len(vocab)} tokens and {len(merges)} merges to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
