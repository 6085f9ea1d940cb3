"""Writing a model's icon bank (``reference_bank.npz``) from a dataset.

The bank holds the dataset's original icons of the bank sources (:mod:`.bank_rows`) at the
model's native size (and, where the dataset has them, at twice that size: the detail that guides
a sprite's enlargement), each icon's caption colours, and one MiniLM sentence vector per concept
name, in the layout
:class:`studio.engine.builtin.reference_bank.ReferenceBank` reads. Its images come from the
same permissively licensed packages as the training images, so the dataset's ATTRIBUTION.md
(shipped beside the weights) covers it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from studio.engine.builtin.reference_bank import BANK_NAME, COLOURS, DETAIL, ReferenceBank
from studio.engine.builtin.text_encoder import TextEncoder
from studio.train.data import load_dataset
from studio.train.data.bank_rows import BANK_SOURCES, bank_rows
from studio.train.data.colours import caption_colour_words
from studio.train.data.dataset_format import read_manifest
from studio.train.data.dataset_reading import DatasetError
from studio.train.data.recolour import COLOUR_SOURCES

ENCODE_BATCH = 256


def write_bank(dataset_dir: Path, model_folder: Path, size: int = 32) -> Path:
    """Write ``reference_bank.npz`` into ``model_folder`` from the dataset's ``size`` px images.

    Raises
    ------
    DatasetError
        If the dataset has no icon of a bank source (a ``--from-folder`` dataset, say).
    """
    dataset = load_dataset(dataset_dir, size=size)
    rows = bank_rows(dataset.items)
    if not rows:
        raise DatasetError(
            f"{dataset_dir} has no icons of {', '.join(BANK_SOURCES)}: a bank needs the "
            "icon packages (`studio data build`)."
        )
    concepts = sorted({dataset.items[row]["concept"] for row in rows})
    concept_index = {name: index for index, name in enumerate(concepts)}
    sources = list(BANK_SOURCES)
    images = _visible(dataset.images, rows)
    vectors, scales = _quantised_vectors(TextEncoder.load("cpu"), concepts)
    arrays: dict[str, np.ndarray] = {
        "images": images,
        "concept": np.array([concept_index[dataset.items[r]["concept"]] for r in rows], np.int32),
        "source": np.array([sources.index(dataset.items[r]["source"]) for r in rows], np.int8),
        "keys": np.array([dataset.items[r]["key"] for r in rows]),
        "concepts": np.array(concepts),
        "sources": np.array(sources),
        "vectors": vectors,
        "scales": scales,
        COLOURS: np.array([_icon_colours(dataset.items[r]) for r in rows]),
    }
    if 2 * size in read_manifest(dataset_dir).get("sizes", []):
        arrays[DETAIL] = _visible(load_dataset(dataset_dir, size=2 * size).images, rows)
    model_folder.mkdir(parents=True, exist_ok=True)
    path = model_folder / BANK_NAME
    partial = path.with_suffix(".partial.npz")
    save: Any = np.savez_compressed  # numpy's stub cannot type **arrays
    save(partial, **arrays)
    partial.replace(path)  # never a half-written bank where the model looks for one
    if ReferenceBank.load(model_folder) is None:  # read back: what ships must load
        raise DatasetError(f"{path} did not read back.")
    return path


def _icon_colours(item: dict[str, Any]) -> str:
    """``"green and yellow"``: the colour words a colour icon's caption opens with.

    A silhouette's black is its art set's, not its object's, so single-colour sets have none.
    """
    if item["source"] not in COLOUR_SOURCES:
        return ""
    words = list(dict.fromkeys(caption_colour_words(item["caption"].split(",")[0])))
    return " and ".join(words[:2])


def _visible(images: np.ndarray, rows: list[int]) -> np.ndarray:
    out = np.array(images[rows], dtype=np.uint8)
    out[out[..., 3] == 0] = 0  # invisible colour is noise and costs compressed bytes
    return out


def _quantised_vectors(encoder: TextEncoder, concepts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    rows = []
    for start in range(0, len(concepts), ENCODE_BATCH):
        pooled = encoder.encode(concepts[start : start + ENCODE_BATCH]).pooled
        rows.append(pooled.float().cpu().numpy())
    vectors = np.concatenate(rows)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-8)
    scales = np.abs(vectors).max(axis=1) / 127.0
    quantised = np.round(vectors / scales[:, None]).astype(np.int8)
    return quantised, scales.astype(np.float32)
