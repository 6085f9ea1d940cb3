"""The Style workspace as a view-model: the blend and its settings, no widgets.

The style panel shows and edits a :class:`StyleViewModel`; Apply Style asks it for the whole
:class:`~studio.domain.style.StyleRequest` of the canvas image (:meth:`build_request`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal

from studio.domain.style import MAX_STYLES, StyleRequest
from studio.ui.properties import Property, ViewModel


@dataclass(frozen=True)
class ChosenStyle:
    """A style in the blend: a preset index, or an image with a label."""

    label: str
    preset: int | None = None
    image: bytes | None = None


class StyleViewModel(ViewModel):
    """What the next Apply Style will ask for.

    ``styles`` and ``weights`` are the blend, one weight per style in the same order; a new
    style joins with weight 1 and removing one keeps the others' weights.
    """

    styles: Property[tuple[ChosenStyle, ...]] = Property(())
    weights: Property[tuple[float, ...]] = Property(())
    strength = Property(1.0)
    preserve_colors = Property(False)
    method = Property("fast")
    iterations = Property(200)
    max_size = Property(0)  # 0: work at full size

    styles_changed = Signal(object)
    weights_changed = Signal(object)
    strength_changed = Signal(object)
    preserve_colors_changed = Signal(object)
    method_changed = Signal(object)
    iterations_changed = Signal(object)
    max_size_changed = Signal(object)

    def add_style(self, style: ChosenStyle) -> bool:
        """Add a style to the blend; False (and nothing changes) when four are chosen."""
        if len(self.styles) >= MAX_STYLES:
            return False
        # Weights first: whoever follows ``styles`` finds a weight for every style.
        self.weights = (*self.weights, 1.0)
        self.styles = (*self.styles, style)
        return True

    def remove_style(self, position: int) -> None:
        """Take the style at ``position`` out of the blend."""
        self.weights = self.weights[:position] + self.weights[position + 1 :]
        self.styles = self.styles[:position] + self.styles[position + 1 :]

    def toggle_preset(self, index: int, label: str) -> None:
        """A click on a preset: out of the blend if it is in, else in (when there is room)."""
        for position, style in enumerate(self.styles):
            if style.preset == index:
                self.remove_style(position)
                return
        self.add_style(ChosenStyle(label=label, preset=index))

    def set_weight(self, position: int, weight: float) -> None:
        """The weight of the style at ``position`` in the blend."""
        weights = list(self.weights)
        weights[position] = weight
        self.weights = tuple(weights)

    def build_request(self, source: bytes, source_label: str, mask: bytes | None) -> StyleRequest:
        """The request that restyles ``source`` (presets first, then images, as weighed).

        Raises
        ------
        InvalidRequestError
            When no style is chosen or a value is out of range.
        """
        blend = list(zip(self.styles, self.weights, strict=True))
        presets = [(s, w) for s, w in blend if s.preset is not None]
        images = [(s, w) for s, w in blend if s.image is not None]
        return StyleRequest(
            source=source,
            source_label=source_label,
            presets=tuple(s.preset for s, _ in presets if s.preset is not None),
            style_images=tuple(s.image for s, _ in images if s.image is not None),
            style_labels=tuple(s.label for s, _ in images),
            weights=tuple(w for _, w in presets + images),
            strength=self.strength,
            preserve_colors=self.preserve_colors,
            mask=mask,
            max_size=self.max_size or None,
            method=self.method,
            iterations=self.iterations,
        )
