"""The model card written beside trained weights, from a template filled with the recipe.

Metrics are left as a marked section for ``studio eval`` results; everything else (data,
licenses, recipe, limits) is known when training ends.
"""

from __future__ import annotations

import json
from typing import Any

from studio.engine.builtin.editing_notes import EDITING_NOTES
from studio.train.markdown import markdown_table

FAMILY_SUMMARIES = {
    "vae": (
        "A conditional variational autoencoder: the prompt sets a learned Gaussian prior over "
        "a 64-d latent; a sample from it is decoded with FiLM and cross-attention on the prompt. "
        "Trained with L1 + perceptual (early EfficientNet-Lite0 features) reconstruction and KL "
        "to the prompt's prior."
    ),
    "gan": (
        "A conditional GAN: a generator reading the prompt through FiLM and cross-attention, "
        "trained with hinge loss against a spectrally normalised projection discriminator "
        "(with a matching-aware mismatched-caption term), DiffAugment on every image the "
        "discriminator sees, and an exponential moving average of the generator shipped."
    ),
    "ar": (
        "An autoregressive model: a small VQ autoencoder turns a sprite into a grid of tokens "
        "(a cosine-similarity codebook); a causal transformer with cross-attention to the "
        "prompt predicts them in raster order, with classifier-free guidance and nucleus "
        "sampling."
    ),
    "diffusion": (
        "A pixel-space diffusion model: a small UNet with cross-attention to the prompt's "
        "token states, v-prediction on a cosine schedule, Min-SNR loss weighting, "
        "classifier-free guidance (10% caption dropout) and diffusers' few-step samplers "
        "(DPM++ 2M by default; DDIM, Euler, Euler a, Heun, LMS, UniPC too)."
    ),
}

LONGER_RUN = {
    "vae": (
        "More steps sharpen reconstructions, but a VAE's prior samples stay soft; a GPU run "
        "would rather spend its budget on 64 px training and a hierarchical latent."
    ),
    "gan": (
        "GANs keep improving for hundreds of thousands of steps; an H200 does this recipe's "
        "whole CPU run in well under a minute, so an hour there would buy ~100x the steps, a "
        "wider generator and native 64 px output."
    ),
    "ar": (
        "A longer VQ stage (fewer dead codes, sharper tokens) and a deeper transformer trained "
        "for ~100x the steps; at 64 px a 16x16 token grid."
    ),
    "diffusion": (
        "Diffusion models are the slowest to converge and gain the most from compute: the "
        "issue's first GPU measurement trained a 29M UNet for 2,100 steps of 256 images in two "
        "minutes; ~100x this recipe's steps at 64 px with a wider UNet would give clean shapes."
    ),
}

GOOD_FOR = {
    "vae": (
        "The default. With its icon bank (`reference_bank.npz`) it is retrieval-augmented: the "
        "prompt's object is looked up among the bank's captioned icons, and the decoder draws "
        "its own sprite over the shape of the icon the seed picks. It reads a caption of the "
        'form it was trained on: the prompt\'s colours in its twelve colour words ("crimson" '
        "is red), the icon's name and the prompt's style word (the recipe's `Read as`); other "
        "words of the prompt are not read. The 2x enlargement follows the icon's 64 px detail "
        "(a guided filter), so edges and shading come from the icon and colours from the model. "
        "Good for recognisable objects that the bank holds (weapons, potions, chests, food, "
        "animals, tools: see models/README.md for the measured recognition rate) in a few "
        "hundredths of a second. Not good for objects the bank lacks (it draws the nearest "
        "thing it has: the recipe's `Drew on` says what), for scenes, or for inpainting (one "
        "decoder pass)."
    ),
    "gan": (
        "Fast one-pass sprites with crisp colour blocks; the least varied family (its seeds "
        "look alike) and the weakest at following the prompt. Good for quick filler icons, "
        "not for a named object."
    ),
    "ar": (
        "Sharp, blocky token-built sprites with clear edges; rough shapes and often the wrong "
        "colour. It cannot vary or inpaint (discrete tokens). Good for textured, pixel-art-like "
        "noise and abstract icons, not for a named object."
    ),
    "diffusion": (
        "The only built-in family that inpaints and outpaints (known pixels kept every step), "
        "and the family that gains most from a longer run. At this budget its shapes are "
        "rough and its colours drift; good for editing a sprite in place, not for drawing a "
        "named object from nothing."
    ),
}

METRICS_MARKER = "<!-- metrics: filled in from `studio eval` -->"


def render_model_card(manifest: dict[str, Any]) -> str:
    """Markdown model card for a trained model folder's manifest."""
    family = manifest["family"]
    training = manifest.get("training", {})
    native = manifest.get("native_size", manifest.get("image_size"))
    sections = [
        f"# {manifest.get('display_name', manifest['name'])} (`{manifest['name']}`)",
        FAMILY_SUMMARIES[family],
        "## What it is good for\n\n" + GOOD_FOR[family],
        _intended_use(native, manifest.get("image_size"), training),
        "## Editing\n\n" + EDITING_NOTES[family],
        _data_section(manifest.get("dataset", {})),
        _recipe_section(manifest, training),
        "## Metrics\n\n" + METRICS_MARKER + "\n\n" + _metrics_table(manifest.get("metrics", {})),
        "## What a longer GPU run would buy\n\n" + LONGER_RUN[family],
    ]
    return "\n\n".join(sections) + "\n"


def _intended_use(native: Any, image_size: Any, training: dict[str, Any]) -> str:
    budget = training.get("cpu_minutes") or training.get("minutes", "?")
    return (
        "## Intended use and limits\n\n"
        "Small icons and sprites from short English prompts (an object or emoji name, a colour, "
        'an art style word: "3d", "flat", "noto", "game icon", "pixel art"), offline on a CPU. '
        f"The network makes {native}x{native} premultiplied RGBA; Studio un-premultiplies it, "
        "zeroes colour where alpha is 0, and enlarges it 2x with the learnt enlarger beside "
        "the weights (`enlarger.safetensors`, `studio train-enlarger`; pixel art is enlarged "
        "with nearest neighbour on purpose, and so is every further whole factor) "
        f"(default {image_size} px). It was trained for only {budget} CPU minutes, so shapes "
        "are rough and rare concepts fail; it knows nothing beyond its emoji and icon training "
        "set (no people likenesses beyond emoji, no text rendering, no photographs). Without "
        'an icon bank the word "icon" pulls toward the black game-icons silhouettes (their '
        'style word is "game icon"): name a style ("3d", "flat", "noto") to get colour. '
        "Prompts longer than 32 MiniLM tokens are cut (with a warning)."
    )


def _data_section(dataset: dict[str, Any]) -> str:
    lines = [
        "## Data, licenses and attribution",
        "",
        f"Trained on the training split of `{dataset.get('name', '?')}` "
        f"({dataset.get('count', '?')} images; splits {dataset.get('splits', {})}; "
        f"content sha256 `{str(dataset.get('content_sha256', ''))[:16]}`). The held-out concepts "
        "were never seen in training. Sources (image sources count images; label-only sources "
        "count the captions their words went into):",
        "",
    ]
    sources = dataset.get("sources", [])
    cells = ((str(s["name"]), str(s.get("count", "")), str(s["license"])) for s in sources)
    lines += markdown_table(("source", "count", "license"), cells)
    lines += [
        "",
        "The weights derive from these images: keep `ATTRIBUTION.md` (copied here from the "
        "dataset) with them. game-icons.net icons are CC-BY-3.0 and require the attribution "
        "it lists.",
    ]
    return "\n".join(lines)


def _recipe_section(manifest: dict[str, Any], training: dict[str, Any]) -> str:
    recipe = training.get("recipe", {})
    config = json.dumps(manifest.get("config", {}), indent=2)
    commands = training.get("commands") or [training.get("command", "")]
    rows = [
        (
            "command" if len(commands) == 1 else "commands (first run, then resumed)",
            "<br>".join(f"`{c}`" for c in commands),
        ),
        ("preset", training.get("preset", "")),
        ("steps", training.get("steps", "")),
        ("training minutes (wall clock)", training.get("minutes", "")),
        ("CPU minutes (process time)", training.get("cpu_minutes", "")),
        ("batch size", recipe.get("batch_size", "")),
        ("learning rate", recipe.get("lr", "")),
        ("seed", training.get("seed", "")),
        ("parameters", f"{training.get('parameters', 0):,}"),
        ("weights", f"{manifest.get('weights_dtype', '')} safetensors"),
        ("hardware", training.get("hardware", "")),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return (
        "## Recipe\n\n| | |\n|---|---|\n"
        + table
        + f"\n\nFamily options: `{json.dumps(recipe.get('options', {}))}`\n\n"
        + f"Architecture (`studio_model.json` config):\n\n```json\n{config}\n```"
    )


def _metrics_table(metrics: dict[str, Any]) -> str:
    if not metrics:
        return "Not evaluated yet: run `studio eval --data DATASET MODEL_FOLDER`."
    rows = "\n".join(f"| {name} | {value} |" for name, value in metrics.items())
    return "| metric | value |\n|---|---|\n" + rows
