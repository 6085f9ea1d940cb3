"""English names and keywords of emoji, joined by codepoint from three packages.

emojibase-data gives labels (with skin tones) and tags, CLDR gives the spoken name and
keywords, emoji-datasource gives a name for whatever the others lack. Every key is a
normalised codepoint sequence: lower-case hex joined by ``-``, variation selectors removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from studio.train.data.fetch import read_package_json

SKIN_TONES = {
    "1f3fb": "light skin tone",
    "1f3fc": "medium-light skin tone",
    "1f3fd": "medium skin tone",
    "1f3fe": "medium-dark skin tone",
    "1f3ff": "dark skin tone",
}
_VARIATION_SELECTORS = {"fe0f", "fe0e"}
_MIN_KEYWORD_CHARS = 3  # one- and two-letter tags ("c", "tm") say little in a caption


def normalise_codepoints(text: str) -> str:
    """Normalise a codepoint sequence.

    ``"1F44B_1F3FB"`` -> ``"1f44b-1f3fb"``; ``"2764-FE0F"`` -> ``"2764"``.
    """
    parts = [p.lower().lstrip("0") or "0" for p in re.split(r"[-_\s]+", text.strip()) if p]
    return "-".join(p.rjust(4, "0") for p in parts if p not in _VARIATION_SELECTORS)


def codepoints_of(emoji: str) -> str:
    """The normalised key of an emoji string (``"👋"`` -> ``"1f44b"``)."""
    return normalise_codepoints("-".join(f"{ord(ch):x}" for ch in emoji))


def without_skin_tones(key: str) -> str:
    """The key with skin-tone modifiers removed: every tone of an emoji shares one concept."""
    return "-".join(p for p in key.split("-") if p not in SKIN_TONES)


def clean_label(text: str) -> str:
    """Lower-case a label and turn ``"waving hand: dark skin tone"`` into ``"..., dark ..."``."""
    text = text.replace(":", ",").replace("_", " ").replace("\u201c", "").replace("\u201d", "")
    text = re.sub(r"\s+", " ", text).strip().lower()
    return re.sub(r"\s*,\s*", ", ", text)


@dataclass(frozen=True)
class EmojiLabel:
    """Name and keywords of one emoji, and which packages supplied them."""

    name: str
    keywords: tuple[str, ...] = ()
    sources: frozenset[str] = field(default_factory=frozenset)


@dataclass
class EmojiLabels:
    """Look up English labels by normalised codepoint key."""

    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (name, source)
    keywords: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {word: source}
    slugs: dict[str, str] = field(default_factory=dict)  # "waving-hand" -> key

    def add_name(self, key: str, name: str, source: str) -> None:
        if name and key not in self.names:
            self.names[key] = (clean_label(name), source)
            self.slugs.setdefault(slugify(name), key)

    def add_keywords(self, key: str, words, source: str) -> None:
        bucket = self.keywords.setdefault(key, {})
        for word in words:
            cleaned = clean_label(str(word))
            if len(cleaned) >= _MIN_KEYWORD_CHARS:
                bucket.setdefault(cleaned, source)

    def label(self, key: str, fallback_name: str = "") -> EmojiLabel | None:
        """The label of ``key`` (tone-less keywords are shared by every tone)."""
        found = self.names.get(key)
        if found is None and not fallback_name:
            return None
        name, name_source = found or (clean_label(fallback_name), "")
        words = {**self.keywords.get(without_skin_tones(key), {}), **self.keywords.get(key, {})}
        name_words = set(re.split(r"[\s,]+", name))
        kept = sorted(w for w in words if not set(w.split()) <= name_words)
        sources = {name_source} | {words[w] for w in kept}
        return EmojiLabel(name, tuple(kept), frozenset(s for s in sources if s))

    def key_for_slug(self, slug: str) -> str | None:
        """The key whose name slugifies to ``slug`` (``"waving-hand"``), if any."""
        return self.slugs.get(slug)


def slugify(text: str) -> str:
    """``"Waving hand: dark skin tone"`` -> ``"waving-hand-dark-skin-tone"``."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def add_emojibase(labels: EmojiLabels, root: Path, source: str) -> None:
    """Labels, skin-tone labels and tags from ``emojibase-data/en/data.json``."""
    for entry in read_package_json(root / "en" / "data.json"):
        key = normalise_codepoints(entry["hexcode"])
        labels.add_name(key, entry.get("label", ""), source)
        labels.add_keywords(key, entry.get("tags", []), source)
        for skin in entry.get("skins", []) or []:
            labels.add_name(normalise_codepoints(skin["hexcode"]), skin.get("label", ""), source)


def add_cldr(labels: EmojiLabels, root: Path, source: str) -> None:
    """Spoken names and keywords from CLDR's English annotations."""
    path = root / "annotations" / "en" / "annotations.json"
    table = read_package_json(path)["annotations"]["annotations"]
    for emoji, entry in table.items():
        key = codepoints_of(emoji)
        tts = entry.get("tts") or []
        if tts:
            labels.add_name(key, tts[0], source)
        labels.add_keywords(key, entry.get("default", []), source)


def add_emoji_datasource(labels: EmojiLabels, entries: list[dict], source: str) -> None:
    """Names (and short names as keywords) from emoji-datasource's ``emoji.json``."""
    for entry in entries:
        key = normalise_codepoints(entry["unified"])
        labels.add_name(key, entry.get("name") or entry.get("short_name", ""), source)
        short = [s.replace("_", " ") for s in entry.get("short_names", []) if "-" not in s]
        labels.add_keywords(key, short, source)
