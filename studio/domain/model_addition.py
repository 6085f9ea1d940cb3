"""What adding a model folder found, as plain data every face can word.

The engine scans the folder (:meth:`studio.engine.registry.ModelRegistry.inspect_addition`)
and hands back a :class:`ModelAddition`; the window says its :meth:`ModelAddition.summary` in
the notice ("A1111/Forge install: 3 checkpoints, 12 LoRAs, ...").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from studio.domain.model_kind import AddonInfo, ModelKind
from studio.domain.models import ModelFamily, ModelInfo

_FAMILY_LABELS = {ModelFamily.SD1: "SD 1.x", ModelFamily.SD2: "SD 2.x", ModelFamily.SDXL: "SDXL"}


def family_label(family: ModelFamily) -> str:
    """How a listing names a base family ("SD 1.x", "SDXL"); ``"unknown"`` when unknown."""
    return _FAMILY_LABELS.get(family, family.value)


# The noun a sentence counts each kind with; tests check that every kind has one.
KIND_NOUNS: dict[ModelKind, str] = {
    ModelKind.CHECKPOINT: "checkpoint",
    ModelKind.LORA: "LoRA",
    ModelKind.EMBEDDING: "embedding",
    ModelKind.UPSCALER: "upscaler",
    ModelKind.CONTROLNET: "ControlNet",
    ModelKind.IP_ADAPTER: "IP-Adapter",
    ModelKind.VAE: "VAE",
    ModelKind.LAYERDIFFUSE: "LayerDiffuse part",
}


def count_text(kind: ModelKind, count: int) -> str:
    """``count`` files of ``kind`` in a sentence: "1 checkpoint", "12 LoRAs", "2 VAEs"."""
    return f"{count:,} {KIND_NOUNS[kind]}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class ModelAddition:
    """One file or folder the user added, and what Studio found in it.

    Parameters
    ----------
    location
        The path remembered in the settings (a folder's resolved root, or the file).
    tool
        What the path is: ``"A1111/Forge install"``, ``"ComfyUI install"``, ``"folder"``,
        ``"model folder"`` (one diffusers pipeline) or ``"model file"``.
    problems
        One line per file skipped, each naming it and what to do.
    skipped
        Further model files not read (past the scan's bound).
    """

    location: str
    tool: str
    checkpoints: tuple[ModelInfo, ...] = ()
    addons: tuple[AddonInfo, ...] = ()
    problems: tuple[str, ...] = ()
    skipped: int = 0

    def counts(self) -> dict[ModelKind, int]:
        """How many files of each kind were found, in :class:`ModelKind` order, none at 0."""
        found = Counter(addon.kind for addon in self.addons)
        found[ModelKind.CHECKPOINT] = len(self.checkpoints)
        return {kind: found[kind] for kind in ModelKind if found[kind]}

    def summary(self) -> str:
        """One sentence: what the folder is, what it holds, how many files were skipped."""
        found = ", ".join(count_text(kind, n) for kind, n in self.counts().items())
        line = f"{self.tool}: {found or 'nothing Studio can use'}"
        skipped = len(self.problems) + self.skipped
        if skipped:
            files = "1 file" if skipped == 1 else f"{skipped:,} files"
            line += f"; {files} skipped"
        return line
