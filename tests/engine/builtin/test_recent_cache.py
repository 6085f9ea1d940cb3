"""The cache of recent prompt and caption encodings: the least recently used goes first."""

from __future__ import annotations

from studio.engine.builtin.recent_cache import RecentCache


def test_a_kept_value_is_not_made_again_and_the_least_recent_goes_first() -> None:
    made: list[str] = []
    cache: RecentCache[str, str] = RecentCache(2)

    def get(key: str) -> str:
        return cache.get(key, lambda: made.append(key) or key.upper())

    assert [get("a"), get("b"), get("a")] == ["A", "B", "A"]
    get("c")  # over the size: "b" was used least recently
    get("a")
    get("b")
    assert made == ["a", "b", "c", "b"]
    cache.clear()
    assert len(cache) == 0
