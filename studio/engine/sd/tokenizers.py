"""CLIP tokenizers built from the shipped vocabulary, so nothing is downloaded.

The shipped config folders hold only each tokenizer's settings (pad token, length); the 49408
token vocabulary and merges live once in ``resources/tokenizers/clip`` (built by
``resources/tokenizers/build_clip_tokenizer.py``) instead of five copies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio.domain.errors import ModelLoadError
from studio.engine.resources import clip_vocab_dir

VOCAB_FILE = "vocab.json"
MERGES_FILE = "merges.txt"
_SETTING_KEYS = ("bos_token", "eos_token", "pad_token", "unk_token", "model_max_length")


def load_clip_tokenizer(folder: Path | str) -> Any:
    """Load a ``CLIPTokenizer`` from ``folder``, taking the vocabulary from resources if absent.

    Parameters
    ----------
    folder
        A ``tokenizer``/``tokenizer_2`` folder. If it has its own ``vocab.json`` and
        ``merges.txt`` (a diffusers download) those are used as is.

    Raises
    ------
    ModelLoadError
        If neither the folder nor Studio's resources hold the vocabulary.
    """
    from transformers import CLIPTokenizer

    folder = Path(folder)
    if (folder / VOCAB_FILE).is_file() or (folder / "tokenizer.json").is_file():
        return CLIPTokenizer.from_pretrained(str(folder), local_files_only=True)
    settings = _tokenizer_settings(folder)
    vocab_dir = clip_vocab_dir()
    if not (vocab_dir / VOCAB_FILE).is_file() or not (vocab_dir / MERGES_FILE).is_file():
        raise ModelLoadError(
            f"The CLIP tokenizer files are missing from {vocab_dir}: reinstall Studio."
        )
    vocab = json.loads((vocab_dir / VOCAB_FILE).read_text(encoding="utf-8"))
    merges = [
        tuple(line.split())
        for line in (vocab_dir / MERGES_FILE).read_text(encoding="utf-8").splitlines()[1:]
        if line
    ]
    return CLIPTokenizer(vocab=vocab, merges=merges, **settings)


def _tokenizer_settings(folder: Path) -> dict[str, Any]:
    config_file = folder / "tokenizer_config.json"
    try:
        data = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ModelLoadError(f"The tokenizer settings in {folder} are missing or broken.") from None
    return {key: data[key] for key in _SETTING_KEYS if key in data}
