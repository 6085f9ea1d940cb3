"""Training recipes: architecture and optimisation settings per family and preset.

``cpu`` is the shipped recipe, sized so each family learns visible shapes in about 20 minutes
on two CPU cores at 32 px (the models' output is then upscaled 2x with nearest neighbour).
``tiny`` is for tests and smoke runs (16 px, a few channels, seconds per hundred steps).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from studio.domain.errors import InvalidRequestError
from studio.engine.builtin.ar import ARConfig
from studio.engine.builtin.diffusion import DiffusionConfig
from studio.engine.builtin.gan import GANConfig
from studio.engine.builtin.vae import VAEConfig
from studio.engine.builtin.vq import VQConfig

FAMILIES = ("vae", "gan", "ar", "diffusion")
PRESETS = ("cpu", "tiny")


@dataclass(frozen=True)
class Recipe:
    """How one family is trained.

    Parameters
    ----------
    config
        The model's architecture config (``VAEConfig``, ``GANConfig``, ...).
    lr
        Peak learning rate, reached after ``warmup_steps`` and decayed linearly to a tenth over
        the last ``1 - decay_start`` of the budget.
    cond_dropout
        Fraction of captions replaced by the null prompt (teaches the unconditional branch that
        classifier-free guidance needs).
    options
        Family-specific weights and knobs (KL weight, VQ stage share, ...).
    """

    family: str
    preset: str
    config: Any
    batch_size: int
    lr: float
    warmup_steps: int = 100
    decay_start: float = 0.75
    ema_decay: float = 0.999
    cond_dropout: float = 0.1
    options: dict[str, float] = field(default_factory=dict)

    @property
    def sample_size(self) -> int:
        config = self.config
        return int(config.vq.sample_size if isinstance(config, ARConfig) else config.sample_size)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able description (config included) for checkpoints and model cards."""
        data = asdict(self)
        data["config"] = asdict(self.config)
        return data


def _cpu_recipes() -> dict[str, Recipe]:
    return {
        "vae": Recipe(
            "vae",
            "cpu",
            VAEConfig(channels=(128, 96, 64, 32), latent_dim=64, reference_channels=32),
            batch_size=32,
            lr=5e-4,
            cond_dropout=0.0,
            options={
                "prior_l1_weight": 1.0,
                "empty_reference_share": 0.1,
                "kl_weight": 0.5,
                "kl_warmup": 0.2,
                "perceptual_weight": 0.5,
                "alpha_weight": 0.05,
                "prior_colour_weight": 0.0,
                "prior_colour_share": 0.5,
            },
        ),
        "gan": Recipe(
            "gan",
            "cpu",
            GANConfig(channels=(128, 96, 64, 32)),
            batch_size=32,
            lr=2e-4,
            warmup_steps=0,
            cond_dropout=0.0,
            options={
                "d_lr": 2e-4,
                "mismatch_weight": 0.5,
                "d_width": 32,
                "mode_seeking_weight": 0.1,
            },
        ),
        "ar": Recipe(
            "ar",
            "cpu",
            ARConfig(
                vq=VQConfig(channels=(32, 64, 128), codebook_size=512, code_dim=32),
                d_model=192,
                layers=6,
                heads=4,
            ),
            batch_size=32,
            lr=5e-4,
            options={
                "vq_fraction": 0.3,
                "vq_lr": 5e-4,
                "perceptual_weight": 0.5,
                "restart_every": 100,
            },
        ),
        "diffusion": Recipe(
            "diffusion",
            "cpu",
            DiffusionConfig(
                patch_size=2,
                channels=(64, 128, 192),
                cross_attention=(True, True, True),
                self_attention=(False, False, True),
            ),
            batch_size=32,
            lr=3e-4,
            options={"min_snr_gamma": 5.0},
        ),
    }


def _tiny_recipes() -> dict[str, Recipe]:
    cpu = _cpu_recipes()
    small: dict[str, Any] = {"sample_size": 16, "context_dim": 32, "emb_dim": 32, "heads": 2}
    return {
        "vae": replace(
            cpu["vae"],
            preset="tiny",
            config=VAEConfig(
                channels=(32, 24, 16),
                cross_attention=(True, True, False),
                reference_channels=8,
                **small,
            ),
            batch_size=16,
            warmup_steps=5,
            options={**cpu["vae"].options, "perceptual_weight": 0.0},
        ),
        "gan": replace(
            cpu["gan"],
            preset="tiny",
            config=GANConfig(channels=(32, 24, 16), cross_attention=(True, True, False), **small),
            batch_size=16,
            options={**cpu["gan"].options, "d_width": 16},
        ),
        "ar": replace(
            cpu["ar"],
            preset="tiny",
            config=ARConfig(
                vq=VQConfig(sample_size=16, channels=(16, 32, 32), codebook_size=32, code_dim=8),
                d_model=32,
                layers=2,
                heads=2,
            ),
            batch_size=16,
            lr=1e-3,
            warmup_steps=5,
            options={**cpu["ar"].options, "vq_lr": 2e-3, "perceptual_weight": 0.0},
        ),
        "diffusion": replace(
            cpu["diffusion"],
            preset="tiny",
            config=DiffusionConfig(
                channels=(16, 32),
                cross_attention=(False, True),
                self_attention=(False, True),
                **small,
            ),
            batch_size=16,
            lr=1e-3,
            warmup_steps=5,
        ),
    }


def get_recipe(family: str, preset: str = "cpu") -> Recipe:
    """The recipe of ``family`` under ``preset``.

    Raises
    ------
    InvalidRequestError
        For an unknown family or preset; the message lists the known ones.
    """
    if family not in FAMILIES:
        raise InvalidRequestError(f"Unknown family {family!r}: use one of {', '.join(FAMILIES)}.")
    if preset not in PRESETS:
        raise InvalidRequestError(f"Unknown preset {preset!r}: use one of {', '.join(PRESETS)}.")
    recipes = _cpu_recipes() if preset == "cpu" else _tiny_recipes()
    return recipes[family]
