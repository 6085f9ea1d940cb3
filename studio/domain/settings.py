"""Engine settings: plain data, saved as JSON by :mod:`studio.project.settings`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class EngineSettings:
    """What the engine needs to know about the user's machine and choices.

    Parameters
    ----------
    model_paths
        Model files and folders the user added; remembered across sessions.
    device
        ``"auto"`` (cuda > mps > cpu), or an explicit ``"cuda"``, ``"mps"``, ``"cpu"``.
    scan_hf_cache
        Whether to list diffusers pipelines found in the Hugging Face cache.
    hf_cache_dir
        Override of the Hugging Face hub cache folder (``None``: huggingface_hub's default).
    builtin_models_dir
        Override of the folder holding the built-in models (``None``: the shipped ``models/``).
    fast_path
        Load Stable Diffusion models on the fast path (compiled UNet and VAE decoder).
    """

    model_paths: tuple[str, ...] = ()
    device: str = "auto"
    scan_hf_cache: bool = True
    hf_cache_dir: str | None = None
    builtin_models_dir: str | None = None
    fast_path: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def with_model_path(self, path: str) -> EngineSettings:
        """Return settings that also remember ``path`` (kept once, in the order added)."""
        if path in self.model_paths:
            return self
        return replace(self, model_paths=(*self.model_paths, path))

    def without_model_path(self, path: str) -> EngineSettings:
        return replace(self, model_paths=tuple(p for p in self.model_paths if p != path))

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_paths": list(self.model_paths),
            "device": self.device,
            "scan_hf_cache": self.scan_hf_cache,
            "hf_cache_dir": self.hf_cache_dir,
            "builtin_models_dir": self.builtin_models_dir,
            "fast_path": self.fast_path,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EngineSettings:
        """Build settings from JSON data, keeping defaults for anything missing or mistyped."""
        paths = data.get("model_paths", [])
        device = data.get("device", "auto")

        def text_or_none(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        return cls(
            model_paths=tuple(p for p in paths if isinstance(p, str))
            if isinstance(paths, list)
            else (),
            device=device if device in {"auto", "cuda", "mps", "cpu"} else "auto",
            scan_hf_cache=bool(data.get("scan_hf_cache", True)),
            hf_cache_dir=text_or_none("hf_cache_dir"),
            builtin_models_dir=text_or_none("builtin_models_dir"),
            fast_path=data.get("fast_path") is True,
            extra=data.get("extra", {}) if isinstance(data.get("extra"), dict) else {},
        )
