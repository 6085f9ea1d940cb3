"""A small contrastive text-image scorer for judging whether a sprite shows its prompt.

No CLIP ships offline, so text fidelity is measured with a scorer of our own: a small CNN
image encoder on 32 px RGBA and a projection of the frozen MiniLM sentence vector, trained on
the dataset's training split with a symmetric InfoNCE loss for a fixed, seeded budget. It is
cached in the dataset folder keyed by the dataset's content hash and the scorer's config, so
every model evaluated on a dataset is judged by the very same scorer.

Imports torch at module level: only the evaluation path imports this module.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from studio.engine.builtin.text_encoder import EMBED_DIM
from studio.imaging.atomic import atomic_write_with

SCORER_VERSION = 1
EVAL_DIR = "eval"


@dataclass(frozen=True)
class ScorerConfig:
    """Architecture and training budget of the scorer (part of its cache key)."""

    image_size: int = 32
    width: int = 32
    embed_dim: int = 128
    steps: int = 1500
    batch_size: int = 256
    learning_rate: float = 2e-3
    weight_decay: float = 1e-4
    max_shift: int = 2  # random translation in pixels, so a sprite a little off-centre still scores
    seed: int = 0

    def cache_key(self, dataset_sha256: str) -> str:
        text = json.dumps({"v": SCORER_VERSION, "data": dataset_sha256, **asdict(self)})
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _conv_block(channels_in: int, channels_out: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(channels_in, channels_out, 3, stride=stride, padding=1),
        nn.GroupNorm(8, channels_out),
        nn.GELU(),
    )


class ContrastiveScorer(nn.Module):
    """Image tower (CNN on premultiplied RGBA) and text tower (MLP on MiniLM pooled vectors)."""

    def __init__(self, config: ScorerConfig) -> None:
        super().__init__()
        width = config.width
        self.config = config
        self.image_tower = nn.Sequential(
            _conv_block(4, width, 1),
            _conv_block(width, 2 * width, 2),
            _conv_block(2 * width, 4 * width, 2),
            _conv_block(4 * width, 8 * width, 2),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(8 * width, config.embed_dim),
        )
        self.text_tower = nn.Sequential(
            nn.Linear(EMBED_DIM, 256), nn.GELU(), nn.Linear(256, config.embed_dim)
        )
        self.logit_scale = nn.Parameter(torch.tensor(float(np.log(1 / 0.07))))

    def embed_images(self, pixels: torch.Tensor) -> torch.Tensor:
        """Unit vectors for ``(B, 4, S, S)`` premultiplied RGBA in [-1, 1]."""
        return F.normalize(self.image_tower(pixels), dim=-1)

    def embed_texts(self, pooled: torch.Tensor) -> torch.Tensor:
        """Unit vectors for ``(B, 384)`` MiniLM sentence vectors."""
        return F.normalize(self.text_tower(pooled.float()), dim=-1)


def images_to_tensor(images: np.ndarray, size: int, device: torch.device | str) -> torch.Tensor:
    """uint8 straight RGBA ``(N, S, S, 4)`` -> premultiplied ``(N, 4, size, size)`` in [-1, 1].

    Other sizes are area-averaged (premultiplied, so transparent pixels add no colour).
    """
    # A copy: dataset arrays are read-only memory maps, which torch will not wrap.
    pixels = torch.from_numpy(np.array(images, dtype=np.uint8)).to(device).float() / 255.0
    pixels = pixels.permute(0, 3, 1, 2)
    if pixels.shape[1] == 3:
        pixels = torch.cat([pixels, torch.ones_like(pixels[:, :1])], dim=1)
    pixels = torch.cat([pixels[:, :3] * pixels[:, 3:], pixels[:, 3:]], dim=1)
    if pixels.shape[-1] != size:
        pixels = F.interpolate(pixels, size=(size, size), mode="area")
    return pixels * 2.0 - 1.0


def _shift(pixels: torch.Tensor, max_shift: int, generator: torch.Generator) -> torch.Tensor:
    if max_shift <= 0:
        return pixels
    size = pixels.shape[-1]
    padded = F.pad(pixels, [max_shift] * 4, value=-1.0)  # -1 is transparent black
    dy, dx = torch.randint(0, 2 * max_shift + 1, (2,), generator=generator).tolist()
    return padded[..., dy : dy + size, dx : dx + size]


def contrastive_loss(
    image_vectors: torch.Tensor, text_vectors: torch.Tensor, caption_ids: torch.Tensor, scale
) -> torch.Tensor:
    """Symmetric InfoNCE; rows sharing a caption are all counted as matches."""
    logits = scale * image_vectors @ text_vectors.T
    same = (caption_ids[:, None] == caption_ids[None, :]).float()
    targets = same / same.sum(dim=1, keepdim=True)
    return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets.T)) / 2


def train_scorer(
    pixels: torch.Tensor,
    pooled: torch.Tensor,
    caption_ids: np.ndarray,
    config: ScorerConfig | None = None,
    device: torch.device | str = "cpu",
    progress: Callable[[int, int, float], None] | None = None,
) -> ContrastiveScorer:
    """Train a scorer on matched images and caption vectors for ``config.steps`` steps.

    Parameters
    ----------
    pixels
        ``(N, 4, S, S)`` from :func:`images_to_tensor` at ``config.image_size``.
    pooled
        ``(N, 384)`` MiniLM sentence vectors of the images' captions.
    caption_ids
        ``(N,)`` ints, equal for equal captions.
    progress
        Called with ``(step, steps, loss)`` now and then.
    """
    config = config or ScorerConfig()
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    scorer = ContrastiveScorer(config).to(device)
    optimiser = torch.optim.AdamW(
        scorer.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=config.learning_rate, total_steps=config.steps, pct_start=0.1
    )
    all_pixels = pixels.to(device)
    texts = pooled.to(device).float()
    ids = torch.as_tensor(caption_ids, device=device)
    count = len(all_pixels)
    batch = min(config.batch_size, count)
    order = torch.randperm(count, generator=generator)
    cursor = 0
    scorer.train()
    for step in range(config.steps):
        if cursor + batch > len(order):
            order, cursor = torch.randperm(count, generator=generator), 0
        rows = order[cursor : cursor + batch].to(device)
        cursor += batch
        shifted = _shift(all_pixels[rows], config.max_shift, generator)
        scale = scorer.logit_scale.clamp(max=float(np.log(100.0))).exp()
        loss = contrastive_loss(
            scorer.embed_images(shifted), scorer.embed_texts(texts[rows]), ids[rows], scale
        )
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        schedule.step()
        if progress is not None and (step % 50 == 0 or step == config.steps - 1):
            progress(step + 1, config.steps, loss.item())
    return scorer.eval().requires_grad_(False)


def scorer_path(dataset_dir: Path, config: ScorerConfig, dataset_sha256: str) -> Path:
    """Where the scorer for this dataset and config is cached."""
    return Path(dataset_dir) / EVAL_DIR / f"scorer-{config.cache_key(dataset_sha256)}.safetensors"


def save_scorer(scorer: ContrastiveScorer, path: Path) -> None:
    """Write the scorer's weights and config (atomically)."""
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        name: tensor.detach().cpu().contiguous() for name, tensor in scorer.state_dict().items()
    }
    metadata = {"config": json.dumps(asdict(scorer.config))}
    atomic_write_with(path, lambda temporary: save_file(state, str(temporary), metadata=metadata))


def load_scorer(path: Path, device: torch.device | str = "cpu") -> ContrastiveScorer | None:
    """A cached scorer, or ``None`` if the file is missing or damaged."""
    from safetensors import SafetensorError, safe_open

    if not path.is_file():
        return None
    try:
        with safe_open(str(path), framework="pt") as handle:
            config = ScorerConfig(**json.loads((handle.metadata() or {})["config"]))
            state = {name: handle.get_tensor(name) for name in handle.keys()}  # noqa: SIM118
        scorer = ContrastiveScorer(config)
        scorer.load_state_dict(state)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, SafetensorError):
        return None
    return scorer.to(device).eval().requires_grad_(False)
