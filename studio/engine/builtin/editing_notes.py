"""What each built-in family can do with canvas edits, in words (model cards, GUI hints)."""

from __future__ import annotations

# What each family's model card says under "Editing" (studio.train.card renders it).
EDITING_NOTES = {
    "vae": (
        "Variations: yes. A sprite is decoded from a latent drawn around the prompt's learned "
        "prior; a variation slerps that Gaussian draw toward the variation seed's, so strength 0 "
        "is the seed's sprite exactly, 1 the variation seed's, and between them the sprite "
        "changes smoothly. Inpainting and outpainting: no; the decoder makes the whole sprite in "
        "one pass and cannot keep part of an image (use builtin-diffusion). Tiling: yes, every "
        "convolution of the decoder wraps for a tiled job."
    ),
    "gan": (
        "Variations: yes. The generator maps one Gaussian latent to a sprite; a variation "
        "slerps it toward the variation seed's latent (strength 0 and 1 reproduce the two "
        "seeds' sprites exactly). Inpainting and outpainting: no; one generator pass makes the "
        "whole sprite and nothing keeps known pixels (use builtin-diffusion). Tiling: yes, "
        "every convolution of the generator wraps for a tiled job."
    ),
    "ar": (
        "Variations: no. This model starts from no noise at all: it draws discrete tokens one "
        "by one from the seeded generator, and a token cannot be part one seed's and part "
        "another's, so there is nothing to slerp; Studio refuses the option instead of "
        "pretending (use another seed, or builtin-diffusion / -vae / -gan). Inpainting: no; "
        "tokens are drawn in raster order, so pixels below or right of the mask would have to "
        "be known before they are drawn. Tiling: partial; the VQ decoder's convolutions wrap, "
        "but the transformer does not know the token grid wraps, so shapes may still be cut at "
        "the edge."
    ),
    "diffusion": (
        "Variations: yes. Sampling starts from a Gaussian image; a variation slerps it toward "
        "the variation seed's (strength 0 and 1 reproduce the two seeds' sprites exactly with "
        "any deterministic sampler). Inpainting and outpainting: yes; after every step the "
        "known pixels, re-noised to the next step's level with the job's own noise, are put "
        "back outside the mask, and the result is composited with the feathered mask so "
        "outside it the source is kept pixel for pixel. Tiling: yes, every convolution of the "
        "UNet wraps for a tiled job."
    ),
}
