"""``studio eval``: compare text-to-sprite models on one dataset's held-out concepts.

For every model: generate one image per held-out prompt with fixed seeds, through the same
:class:`~studio.engine.backend.GenerationBackend` interface the app uses; then measure the
Frechet distance of EfficientNet-Lite0 features to the real held-out images, and text fidelity
as the scorer's retrieval accuracy, next to the same accuracy on the real images (the ceiling).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from studio.domain.requests import GenerationRequest
from studio.imaging.atomic import atomic_write_bytes
from studio.train.evaluation.fid import frechet_distance_between
from studio.train.evaluation.grids import save_grid
from studio.train.evaluation.retrieval import Retrieval, retrieval_accuracy
from studio.train.evaluation.setup import EvalSetup, image_vectors, prepare_evaluation
from studio.train.markdown import markdown_table

GRID_IMAGES = 64
DEFAULT_COUNT = 256
DEFAULT_STEPS = 25
Log = Callable[[str], None]


@dataclass(frozen=True)
class EvalRow:
    """One model's results (accuracies are fractions in 0..1)."""

    model: str
    fid: float
    top1: float
    top5: float
    ceiling_top1: float
    ceiling_top5: float
    candidates: int
    count: int
    seconds_per_image: float
    grid: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def generate_images(
    backend, setup: EvalSetup, model_id: str, seed: int, steps: int
) -> tuple[np.ndarray, float]:
    """One image per prompt of ``setup`` (prompt ``i`` uses seed ``seed + i``).

    Returns the uint8 RGBA images at the dataset's size and the seconds each took on average.
    """
    size = setup.dataset.size
    cancel = threading.Event()
    images = np.zeros((len(setup.prompt_rows), size, size, 4), dtype=np.uint8)
    started = time.perf_counter()
    for i, row in enumerate(setup.prompt_rows):
        request = GenerationRequest(
            setup.dataset.items[row]["caption"],
            model=model_id,
            width=size,
            height=size,
            seed=seed + i,
            steps=steps,
        )
        result = next(iter(backend.generate(request, lambda update: None, cancel)))
        images[i] = to_rgba(result.pixels, size)
    elapsed = time.perf_counter() - started
    return images, elapsed / max(1, len(images))


def to_rgba(pixels: np.ndarray, size: int) -> np.ndarray:
    """A generated image as uint8 ``(size, size, 4)`` straight RGBA (opaque if it was RGB)."""
    from studio.train.data.raster import premultiply, resample_premultiplied, unpremultiply

    pixels = np.asarray(pixels, dtype=np.uint8)
    if pixels.shape[-1] == 3:
        pixels = np.concatenate([pixels, np.full((*pixels.shape[:2], 1), 255, np.uint8)], -1)
    if pixels.shape[:2] != (size, size):
        pixels = unpremultiply(resample_premultiplied(premultiply(pixels), size))
    return pixels


def score_images(setup: EvalSetup, images: np.ndarray) -> tuple[float, Retrieval]:
    """Frechet distance to the real held-out images and retrieval accuracy of ``images``."""
    features = setup.features.features(images)
    fid = frechet_distance_between(features, setup.real_features)
    vectors = image_vectors(setup.scorer, images, setup.device)
    return fid, retrieval_accuracy(vectors, setup.text_vectors, setup.candidate_sets)


def evaluate_models(
    dataset_dir: Path,
    model_ids: Sequence[str],
    *,
    out_dir: Path,
    count: int | None = DEFAULT_COUNT,
    seed: int = 0,
    steps: int = DEFAULT_STEPS,
    device: str | None = None,
    load_backend: Callable[[str, str], Any] | None = None,
    scorer_steps: int | None = None,
    log: Log | None = None,
) -> list[EvalRow]:
    """Evaluate each model on the held-out prompts of ``dataset_dir``.

    Parameters
    ----------
    model_ids
        Built-in model ids (``builtin-vae``) or built-in model folders.
    out_dir
        Receives ``<model>-grid.png`` per model, ``real-grid.png`` and ``prompts.txt``.
    count
        Held-out prompts to generate for (all of them when ``None``).
    load_backend
        ``(model_id, device) -> GenerationBackend``; :func:`load_model_backend` by default.
    scorer_steps
        Training steps of the scorer when it is not cached (its default budget otherwise).
    """
    say = log or (lambda message: None)
    check_models(model_ids, load_backend)
    device = device or _default_device()
    setup = prepare_evaluation(Path(dataset_dir), count, seed, device, scorer_steps, say)
    _write_references(setup, out_dir)
    rows = []
    for model_id in model_ids:
        say(f"{model_id}: generating {len(setup.prompt_rows)} images")
        with loaded_backend(model_id, device, load_backend) as backend:
            images, seconds = generate_images(backend, setup, model_id, seed, steps)
        grid = save_grid(images[:GRID_IMAGES], out_dir / f"{_slug(model_id)}-grid.png")
        fid, retrieval = score_images(setup, images)
        rows.append(_row(model_id, fid, retrieval, setup.ceiling, seconds, grid))
    return rows


def _row(model_id, fid, retrieval: Retrieval, ceiling: Retrieval, seconds, grid) -> EvalRow:
    return EvalRow(
        model=model_id,
        fid=fid,
        top1=retrieval.top1,
        top5=retrieval.top5,
        ceiling_top1=ceiling.top1,
        ceiling_top5=ceiling.top5,
        candidates=retrieval.candidates,
        count=retrieval.count,
        seconds_per_image=seconds,
        grid=str(grid),
    )


def _write_references(setup: EvalSetup, out_dir: Path) -> None:
    shown = setup.prompt_rows[:GRID_IMAGES]
    save_grid(np.asarray(setup.dataset.images[shown]), out_dir / "real-grid.png")
    captions = [setup.dataset.items[row]["caption"] for row in shown]
    text = "\n".join(captions) + "\n"
    atomic_write_bytes(out_dir / "prompts.txt", text.encode("utf-8"))  # never through a link


def check_models(model_ids: Sequence[str], load_backend: Callable | None) -> None:
    """Resolve every model the built-in loader will load, before features or a scorer cost
    minutes: a misspelt id is said first, not after the scorer trained. Another loader
    (``load_backend``) knows its own ids and checks them itself."""
    if (load_backend or load_model_backend) is _BUILTIN_LOADER:
        for model_id in model_ids:
            resolve_model(model_id)


@contextmanager
def loaded_backend(
    model_id: str, device: str, load_backend: Callable[[str, str], Any] | None = None
) -> Iterator[Any]:
    """The backend of ``model_id`` (``load_backend``, else :func:`load_model_backend`).

    Unloaded when the block ends, however it ends, so the next model has the memory.
    """
    backend = (load_backend or load_model_backend)(model_id, device)
    try:
        yield backend
    finally:
        backend.unload()


def load_model_backend(model_id: str, device: str):
    """Load a built-in model by id or folder through the engine's built-in loader."""
    from studio.engine.builtin.loader import load_builtin_backend

    return load_builtin_backend(resolve_model(model_id), device)


_BUILTIN_LOADER = load_model_backend


def resolve_model(model_id: str):
    """The :class:`~studio.domain.models.ModelInfo` of a built-in model id or folder.

    Raises
    ------
    ModelNotFoundError
        If no built-in model has that id and it is not a built-in model folder.
    """
    from studio.domain.errors import ModelNotFoundError
    from studio.engine.builtin import discover_builtin_models
    from studio.engine.registry import path_exists

    folder = Path(model_id)
    # path_exists names a symlink loop or an over-long path in one line (is_dir raised).
    if path_exists(folder) and folder.is_dir():
        for info in discover_builtin_models(folder.resolve().parent):
            if Path(info.location).resolve() == folder.resolve():
                return info
        raise ModelNotFoundError(
            f"{folder} is not a built-in model folder (it needs studio_model.json and "
            "model.safetensors)."
        )
    known = discover_builtin_models()
    for info in known:
        if info.id == model_id:
            return info
    names = ", ".join(info.id for info in known) or "none installed"
    raise ModelNotFoundError(f"No built-in model {model_id!r}; available: {names}.")


def _default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _slug(model_id: str) -> str:
    name = Path(model_id).name or "model"
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)


def format_table(rows: Sequence[EvalRow]) -> str:
    """A plain-text table: model, FID, top-1, top-5, ceiling, seconds per image."""
    header = f"{'model':<24} {'FID':>9} {'top-1':>7} {'top-5':>7} {'ceiling':>15} {'s/img':>8}"
    lines = [header]
    for row in rows:
        ceiling = f"{row.ceiling_top1:.1%}/{row.ceiling_top5:.1%}"
        lines.append(
            f"{row.model:<24} {row.fid:>9.2f} {row.top1:>7.1%} {row.top5:>7.1%} "
            f"{ceiling:>15} {row.seconds_per_image:>8.4f}"
        )
    if rows:
        lines.append(f"({rows[0].count} held-out prompts, {rows[0].candidates} candidates each)")
    return "\n".join(lines)


def format_markdown(rows: Sequence[EvalRow]) -> str:
    """The same table in Markdown, for ``models/README.md``."""
    header = (
        "model",
        "FID (lower is better)",
        "top-1",
        "top-5",
        "real images (ceiling)",
        "s/image",
    )
    cells = (
        (
            row.model,
            f"{row.fid:.2f}",
            f"{row.top1:.1%}",
            f"{row.top5:.1%}",
            f"{row.ceiling_top1:.1%} / {row.ceiling_top5:.1%}",
            f"{row.seconds_per_image:.4f}",
        )
        for row in rows
    )
    return "\n".join(markdown_table(header, cells, align="lrrrrr"))
