"""Few-step models and the sampling settings they were distilled for, as data.

LCM, SD/SDXL-Turbo, SDXL-Lightning and Hyper-SD models make an image in 1 to 8 steps, but only
with the sampler and guidance they were trained for: at Studio's usual 25 steps and CFG 7 they
burn the image. Each family is recognised from the names its authors publish
(``lcm-lora-sdv1-5``, ``sd_xl_turbo_1.0_fp16``, ``sdxl_lightning_4step_lora``,
``Hyper-SDXL-8steps-CFG-lora``), whether a LoRA file or a full checkpoint, and its preset is
what its model card recommends:

========== ================== ================= ======================================
family     sampler            steps             CFG
========== ================== ================= ======================================
Hyper-SD   DDIM, trailing     from the name (8) 1 (no guidance); 5 for the ``CFG`` ones
Lightning  Euler, trailing    from the name (4) 1 (no guidance)
LCM        LCM                4                 1 (the card says 1 to 2)
Turbo      Euler a, trailing  4                 0 (no guidance)
========== ================== ================= ======================================

"Trailing" timestep spacing starts the few steps from pure noise (diffusers'
``timestep_spacing="trailing"``, ComfyUI's ``sgm_uniform``). A CFG of 1 or less turns guidance
off in diffusers, A1111 and ComfyUI alike, so the step costs one UNet pass instead of two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PRESET_FIELDS = ("sampler", "steps", "cfg_scale")
"""The request fields a preset decides."""


@dataclass(frozen=True)
class FewStepFamily:
    """One family of few-step models: how its names look and what it samples with.

    Parameters
    ----------
    name
        The family as its authors call it (``Lightning``).
    hint
        A regular expression a lower-cased file or model name of the family contains.
    sampler
        A name from :data:`studio.domain.samplers.SAMPLER_NAMES`.
    steps
        The steps when the name does not say (``..._4step_...`` does).
    cfg_scale
        The guidance scale; ``guided_cfg`` instead when the name says ``CFG`` (Hyper-SD's
        CFG-preserved LoRAs, which take negative prompts and guidance 5 to 8).
    """

    name: str
    hint: str
    sampler: str
    steps: int
    cfg_scale: float
    guided_cfg: float | None = None


FAMILIES: tuple[FewStepFamily, ...] = (
    # Hyper-SD first: ``Hyper-SDXL-...`` must not be read as any family it mentions.
    FewStepFamily("Hyper-SD", r"hyper[-_ ]?sd", "DDIM trailing", 8, 1.0, guided_cfg=5.0),
    FewStepFamily("Lightning", r"lightning", "Euler trailing", 4, 1.0),
    FewStepFamily("LCM", r"(?<![a-z])lcm(?![a-z])", "LCM", 4, 1.0),
    FewStepFamily("Turbo", r"turbo", "Euler a trailing", 4, 0.0),
)
"""Every family Studio recognises, in the order names are tried."""


@dataclass(frozen=True)
class FewStepPreset:
    """The sampling settings a few-step model asks for, and which model asked.

    Parameters
    ----------
    family
        :attr:`FewStepFamily.name`.
    source
        ``"LoRA"`` or ``"checkpoint"``.
    sampler, steps, cfg_scale
        The settings, as request fields.
    """

    family: str
    source: str
    sampler: str
    steps: int
    cfg_scale: float

    @property
    def label(self) -> str:
        """``Lightning 4-step LoRA``: what was recognised, in the user's words."""
        return f"{self.family} {self.steps}-step {self.source}"

    def fields(self) -> dict[str, object]:
        """The preset as request fields (:data:`PRESET_FIELDS`)."""
        return {"sampler": self.sampler, "steps": self.steps, "cfg_scale": self.cfg_scale}

    def note(self, kept: Iterable[str] = ()) -> str:
        """One line saying what the preset set, and which fields the user's values kept.

        Parameters
        ----------
        kept
            Names from :data:`PRESET_FIELDS` the user set, which the preset left alone.
        """
        kept = set(kept)
        said = {
            "steps": f"{self.steps} steps",
            "cfg_scale": f"CFG {self.cfg_scale:g}",
            "sampler": self.sampler,
        }
        used = [text for name, text in said.items() if name not in kept]
        line = f"{self.label}: {', '.join(used)}" if used else f"{self.label}"
        if kept:
            yours = ", ".join(_KEPT_WORDS[name] for name in PRESET_FIELDS if name in kept)
            line += f" (your {yours} kept)"
        return line


_KEPT_WORDS = {"sampler": "sampler", "steps": "steps", "cfg_scale": "CFG"}


def preset_for_name(name: str, source: str) -> FewStepPreset | None:
    """The preset of a file or model named ``name``, or ``None`` for an ordinary model.

    Parameters
    ----------
    name
        A file name or stem, a folder or a Hugging Face repo id (``ByteDance/SDXL-Lightning``).
    source
        ``"LoRA"`` or ``"checkpoint"``, for the note.
    """
    lowered = name.casefold()
    for family in FAMILIES:
        if re.search(family.hint, lowered):
            return _preset(family, lowered, source)
    return None


# "4step", "8steps", "2-step", "1_step": the step count the file was distilled for.
_STEPS_IN_NAME = re.compile(r"(?<![0-9])([0-9]{1,2})[-_ ]?steps?(?![a-z])")
_CFG_IN_NAME = re.compile(r"(?<![a-z])cfg(?![a-z])")


def _preset(family: FewStepFamily, lowered: str, source: str) -> FewStepPreset:
    steps_given = _STEPS_IN_NAME.search(lowered)
    steps = int(steps_given[1]) if steps_given else family.steps
    cfg = family.cfg_scale
    if family.guided_cfg is not None and _CFG_IN_NAME.search(lowered):
        cfg = family.guided_cfg
    return FewStepPreset(family.name, source, family.sampler, max(steps, 1), cfg)


def preset_for_loras(names: Iterable[str]) -> FewStepPreset | None:
    """The preset of the first few-step LoRA among ``names`` (the prompt's ``<lora:...>``)."""
    for name in names:
        preset = preset_for_name(name, "LoRA")
        if preset is not None:
            return preset
    return None
