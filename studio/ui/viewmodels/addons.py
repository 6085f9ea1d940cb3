"""The LoRA and embedding picker as a view-model: what is on offer, what the prompt chose.

The prompt is the one source of truth for the LoRAs a Generate uses, as in A1111: the chosen
LoRAs are read from its ``<lora:NAME:WEIGHT>`` tags, and picking, re-weighting or removing one
rewrites the prompt (:mod:`studio.domain.prompt_tag_edits`). So a tag typed by hand shows as
chosen, and what the picker shows is what the request asks for. The add-ons themselves come
from the engine (``EngineFacade.addons_changed``); this object only filters and words them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from studio.domain.model_addition import family_label
from studio.domain.model_kind import AddonInfo, ModelKind, addon_refusal
from studio.domain.models import ModelFamily, ModelInfo
from studio.domain.prompt_tag_edits import (
    add_lora,
    chosen_loras,
    insert_word,
    remove_lora,
    set_lora_weight,
)
from studio.ui.properties import Property, ViewModel
from studio.ui.viewmodels.generate import GenerateViewModel

EMPTY_LORAS = (
    "No LoRAs yet: File > Add Model Folder… on your A1111, ComfyUI or InvokeAI folder "
    "(or any folder of LoRAs). Files are read where they are, never copied."
)
NO_MATCH = "No LoRA matches the filter."
_SD_FAMILIES = frozenset({ModelFamily.SD1, ModelFamily.SD2, ModelFamily.SDXL})


@dataclass(frozen=True)
class ChosenLora:
    """A LoRA the prompt tags: its name as written, its weight, and its file if found."""

    name: str
    weight: float
    addon: AddonInfo | None


class AddonsViewModel(ViewModel):
    """The add-ons found, the filter, and the prompt's LoRAs (see the module docstring).

    Signals
    -------
    chosen_changed(tuple[ChosenLora, ...])
        The prompt's LoRAs or their weights changed (typed, picked or re-weighted).
    model_changed()
        The Generate model changed, so which LoRAs fit changed.
    """

    addons: Property[tuple[AddonInfo, ...]] = Property(())
    filter_text = Property("")

    addons_changed = Signal(object)
    filter_text_changed = Signal(object)
    chosen_changed = Signal(object)
    model_changed = Signal()

    def __init__(self, generate: GenerateViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generate = generate
        self._chosen = self.chosen()
        generate.prompt_changed.connect(self._on_prompt_changed)
        self.addons_changed.connect(lambda _: self._on_prompt_changed(generate.prompt))
        generate.model_changed.connect(lambda _: self.model_changed.emit())
        generate.models_changed.connect(lambda _: self.model_changed.emit())

    # -- what is on offer -------------------------------------------------------------------

    def loras(self) -> list[AddonInfo]:
        """The LoRAs whose name or family holds the filter text (any case), by name."""
        needle = self.filter_text.strip().casefold()
        found = [a for a in self.addons if a.kind is ModelKind.LORA]
        if needle:
            found = [a for a in found if needle in f"{a.name} {family_label(a.family)}".casefold()]
        return sorted(found, key=lambda a: a.name.casefold())

    def embeddings(self) -> list[AddonInfo]:
        """Every textual-inversion embedding found, by name."""
        found = [a for a in self.addons if a.kind is ModelKind.EMBEDDING]
        return sorted(found, key=lambda a: a.name.casefold())

    def has_loras(self) -> bool:
        """Whether any LoRA was found at all (the filter aside)."""
        return any(a.kind is ModelKind.LORA for a in self.addons)

    def empty_text(self) -> str:
        """What the LoRA list says when it shows nothing, or ``""`` when it shows some."""
        if not self.has_loras():
            return EMPTY_LORAS
        return "" if self.loras() else NO_MATCH

    def refusal(self, addon: AddonInfo) -> str:
        """Why ``addon`` does not fit the chosen model, or ``""`` when it does (or may)."""
        unusable = addon_refusal(addon)
        if unusable:
            return unusable
        model = self._current_model()
        if model is None:
            return ""
        kind = "LoRA" if addon.kind is ModelKind.LORA else "embedding"
        if model.family is ModelFamily.BUILTIN:
            return f"A {kind} works on a Stable Diffusion model; {model.name} is built in."
        known = addon.family in _SD_FAMILIES and model.family in _SD_FAMILIES
        if known and addon.family is not model.family:
            return (
                f"{addon.name} is an {family_label(addon.family)} {kind}; {model.name} is "
                f"{family_label(model.family)}: pick an {family_label(addon.family)} model."
            )
        return ""

    # -- what the prompt chose --------------------------------------------------------------

    def chosen(self) -> tuple[ChosenLora, ...]:
        """The prompt's LoRAs in tag order, each with its file when one of that name exists."""
        by_name = {a.name.casefold(): a for a in self.addons if a.kind is ModelKind.LORA}
        return tuple(
            ChosenLora(tag.name, tag.weight, by_name.get(tag.name.casefold()))
            for tag in chosen_loras(self._generate.prompt)
        )

    def weight_of(self, addon: AddonInfo) -> float | None:
        """The weight the prompt gives ``addon``, or ``None`` when it is not chosen."""
        folded = addon.name.casefold()
        return next((c.weight for c in self._chosen if c.name.casefold() == folded), None)

    def choose(self, addon: AddonInfo, weight: float = 1.0) -> None:
        """Add ``<lora:NAME:WEIGHT>`` to the prompt (a chosen one gets ``weight``)."""
        self._generate.prompt = add_lora(self._generate.prompt, addon.name, weight)

    def set_weight(self, name: str, weight: float) -> None:
        """Rewrite the tag of the chosen LoRA ``name`` with ``weight``."""
        self._generate.prompt = set_lora_weight(self._generate.prompt, name, weight)

    def remove(self, name: str) -> None:
        """Delete the tags of the LoRA ``name`` from the prompt."""
        self._generate.prompt = remove_lora(self._generate.prompt, name)

    def insert_embedding(self, addon: AddonInfo, *, negative: bool = False) -> None:
        """Write the embedding's name (how A1111 and the engine call it) into the prompt, or
        into the negative prompt, where most "bad hands" embeddings belong."""
        if negative:
            self._generate.negative_prompt = insert_word(self._generate.negative_prompt, addon.name)
        else:
            self._generate.prompt = insert_word(self._generate.prompt, addon.name)

    def _on_prompt_changed(self, _prompt: str) -> None:
        chosen = self.chosen()
        if chosen != self._chosen:
            self._chosen = chosen
            self.chosen_changed.emit(chosen)

    def _current_model(self) -> ModelInfo | None:
        wanted = self._generate.model
        return next((m for m in self._generate.models if m.id == wanted), None)
