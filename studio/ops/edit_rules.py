"""Which canvas edits a request needs and whether a model can do them: one rule for every face.

The capability table is :attr:`studio.domain.models.ModelInfo.edits` (what each model can do,
from :data:`~studio.domain.models.CANVAS_EDITS`). The GUI greys out the actions a model
cannot do and ``studio generate`` refuses the options, both from :func:`edit_refusal`, so the
command line cannot refuse what the GUI does (builtin-diffusion inpaints in both) nor the other
way round. Each face words the refusal its own way (a pick in a list, a ``--model`` option)
from the same :class:`EditRule`.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.models import CANVAS_EDITS, ModelInfo
from studio.domain.requests import GenerationRequest


@dataclass(frozen=True)
class EditRule:
    """Why a model cannot do an edit and which models can.

    Parameters
    ----------
    why
        What the model lacks; ``{name}`` is the model's name.
    who_can
        The models that can do the edit, as a noun phrase ("a Stable Diffusion model").
    purpose
        What the user wants, to finish "pick ... {purpose}".
    """

    why: str
    who_can: str
    purpose: str

    def gui_text(self, name: str) -> str:
        """The refusal as the GUI shows it (a tooltip, a status line)."""
        return f"{self.why.format(name=name)}: pick {self.who_can} {self.purpose}."


RULES: dict[str, EditRule] = {
    "img2img": EditRule(
        "{name} makes images from text only", "a Stable Diffusion model", "to start from an image"
    ),
    "inpaint": EditRule(
        "{name} cannot keep part of an image while it repaints the rest",
        "builtin-diffusion or a Stable Diffusion model",
        "to inpaint or outpaint",
    ),
    "variation": EditRule(
        "{name} has no starting noise to vary",
        "builtin-diffusion, -vae, -gan or a Stable Diffusion model",
        "for variations",
    ),
    "hires": EditRule(
        "{name} has no image-to-image pass to repaint a larger image with",
        "a Stable Diffusion model",
        "for hires fix",
    ),
    "control": EditRule(
        "{name} cannot take a control image", "a Stable Diffusion model", "to use a ControlNet"
    ),
    "reference": EditRule(
        "{name} cannot take a reference image",
        "a Stable Diffusion model",
        "to steer toward one (IP-Adapter)",
    ),
}
assert set(RULES) == set(CANVAS_EDITS), "every canvas edit needs its refusal"


def needed_edits(request: GenerationRequest) -> tuple[str, ...]:
    """The canvas edits ``request`` asks of its model, in :data:`CANVAS_EDITS` order.

    A mask (inpaint or outpaint) needs ``inpaint``; a source image without one needs
    ``img2img``; a variation seed with any strength needs ``variation``; a hires scale or size
    needs ``hires``; a ControlNet unit needs ``control``; a reference image ``reference``.
    """
    asked = {
        "inpaint": request.is_inpaint,
        "img2img": request.is_img2img and not request.is_inpaint,
        "variation": request.has_variation,
        "hires": request.has_hires,
        "control": bool(request.controls),
        "reference": bool(request.references),
    }
    return tuple(edit for edit in CANVAS_EDITS if asked[edit])


def refused_edit(model: ModelInfo | None, edit: str) -> EditRule | None:
    """The rule that stops ``model`` doing ``edit``, or ``None`` when it can (or none is chosen).

    Raises
    ------
    KeyError
        If ``edit`` is not one of :data:`CANVAS_EDITS` (a programming error).
    """
    rule = RULES[edit]
    if model is None or edit in model.edits:
        return None
    return rule


def edit_refusal(model: ModelInfo | None, edit: str) -> str:
    """Why ``model`` cannot do ``edit`` in the GUI's words (one line), or ``""`` when it can."""
    rule = refused_edit(model, edit)
    return "" if rule is None or model is None else rule.gui_text(model.name)
