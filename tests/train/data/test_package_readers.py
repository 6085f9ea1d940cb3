"""Reading the pinned icon packages: what an Iconify set lists becomes icons to render."""

from __future__ import annotations

import json
from pathlib import Path

from studio.train.data.labels import EmojiLabels
from studio.train.data.package_readers import ReadContext, read_game_icons
from studio.train.data.sources import GAME_ICONS


def test_an_alias_whose_parent_is_missing_is_left_out_not_a_crash(tmp_path: Path) -> None:
    icon_set = {
        "width": 512,
        "height": 512,
        "icons": {"sword": {"body": '<path d="M0 0h512v512H0z"/>'}},
        "aliases": {"broken-flip": {"parent": "no-such-icon", "hFlip": True}},
    }
    (tmp_path / "icons.json").write_text(json.dumps(icon_set), encoding="utf-8")
    icons = read_game_icons(GAME_ICONS, tmp_path, ReadContext(EmojiLabels(), render_px=64))
    assert [icon.key for icon in icons] == ["gameicons:sword"]
    assert icons[0].job.kind == "svg" and 'width="64"' in icons[0].job.payload
