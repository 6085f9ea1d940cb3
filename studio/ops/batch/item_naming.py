"""How a batch item's image is named and tagged, whatever output it lands in."""

from __future__ import annotations

from dataclasses import replace

from studio.domain.batch_items import BatchItem
from studio.domain.results import GeneratedImage

SLUG_LENGTH = 60


def tag_image(image: GeneratedImage, item: BatchItem, batch_seed: int) -> GeneratedImage:
    """The image with its batch item id and batch seed recorded in the recipe."""
    extra = {**image.extra, "batch_item": item.id, "batch_seed": batch_seed}
    return replace(image, extra=extra)


def image_name(number: int, item: BatchItem) -> str:
    """``0007-red-potion-<item id>.png``: the number, a plain slug of the prompt, the id."""
    from studio.imaging.filenames import slug_filename_part

    slug = slug_filename_part(item.request.prompt, max_length=SLUG_LENGTH)
    return f"{number:04d}-{slug}-{item.id}.png"
