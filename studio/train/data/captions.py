"""Short, varied, deterministic captions: ``"red heart, love, flat"``.

A caption is the item's name, zero to two of its keywords and the art-style word last. Which
keywords appear is decided by a hash of the item's key, so the same item always gets the same
caption and different items get different mixes (the models see names with and without
keywords, which is how people type prompts).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence

MAX_CAPTION_TOKENS = 32  # MiniLM tokens, special tokens included (the encoder's window)
MAX_KEYWORDS = 2


def pick_keywords(keywords: Sequence[str], key: str) -> list[str]:
    """Zero to :data:`MAX_KEYWORDS` of ``keywords``, chosen by a stable hash of ``key``."""
    if not keywords:
        return []
    rng = random.Random(hashlib.sha256(key.encode()).digest())
    count = rng.randint(0, min(MAX_KEYWORDS, len(keywords)))
    return rng.sample(sorted(keywords), count)


def compose_caption(name: str, keywords: Sequence[str], style: str) -> str:
    """``name, keyword, keyword, style`` with empty parts left out."""
    return ", ".join(part for part in (name, *keywords, style) if part)


def fit_caption(
    name: str,
    keywords: Sequence[str],
    style: str,
    count_tokens: Callable[[str], int] | None = None,
    max_tokens: int = MAX_CAPTION_TOKENS,
) -> str:
    """A caption that fits in ``max_tokens``: keywords go first, then trailing name words.

    Parameters
    ----------
    count_tokens
        Tokens a text takes (the MiniLM tokenizer, special tokens included); when ``None``,
        a word count times two is used as a safe over-estimate.
    """
    count = count_tokens or (lambda text: 2 * len(text.split()) + 2)
    kept = list(keywords)
    while kept and count(compose_caption(name, kept, style)) > max_tokens:
        kept.pop()
    words = name.split()
    while len(words) > 1 and count(compose_caption(" ".join(words), kept, style)) > max_tokens:
        words.pop()
    return compose_caption(" ".join(words), kept, style)


def name_from_slug(slug: str) -> str:
    """``"health-potion"`` or ``"red_potion"`` -> ``"health potion"`` / ``"red potion"``."""
    return " ".join(part for part in slug.replace("_", "-").split("-") if part).lower()


def minilm_token_counter() -> Callable[[str], int]:
    """Count tokens with the packaged MiniLM tokenizer (loads it; no model weights)."""
    from transformers import AutoTokenizer

    from studio.engine.builtin.text_encoder import packaged_model_dir

    tokenizer = AutoTokenizer.from_pretrained(packaged_model_dir(), local_files_only=True)
    return lambda text: len(tokenizer(text, add_special_tokens=True)["input_ids"])
