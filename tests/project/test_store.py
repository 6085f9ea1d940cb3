"""The project file: entries survive reopening, losslessly (RELIABILITY 5, 8, 9)."""

from __future__ import annotations

import io
import os
import sqlite3

import numpy as np
import pytest
from PIL import Image

from studio.domain.errors import ProjectError
from studio.imaging.png import encode_png
from studio.project import connection as connection_module
from studio.project.schema import APPLICATION_ID, FORMAT_VERSION
from studio.project.store import ProjectStore
from tests.project.conftest import add_image, file_hash, image_pixels


def _decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def test_three_entries_survive_reopening_pixel_identical(store, project_path) -> None:
    added = [add_image(store, seed, f"a cat number {seed} 🐱") for seed in (1, 2, 3)]
    pngs = [store.image_png(entry.image_id) for entry in added]
    store.close()

    with ProjectStore.open(project_path) as reopened:
        entries = reopened.entries()
        assert [e.id for e in entries] == [e.id for e in reversed(added)]  # newest first
        assert entries == list(reversed(added))
        assert [e.recipe for e in entries] == [e.recipe for e in reversed(added)]
        for entry, png, seed in zip(reversed(added), reversed(pngs), (3, 2, 1), strict=True):
            assert reopened.image_png(entry.image_id) == png
            assert np.array_equal(_decode(png), image_pixels(seed))
            assert _decode(reopened.thumbnail_png(entry.image_id)).shape[2] == 4


def test_entry_fields_and_lookup(store) -> None:
    entry = add_image(store, 5, "castle", kind="style")

    assert (entry.kind, entry.prompt, entry.width, entry.height) == ("style", "castle", 32, 24)
    assert store.entry(entry.id) == entry
    assert store.image_count() == 1 and not store.is_empty()
    with pytest.raises(ProjectError, match=r"History entry 99 is not in art\.studio"):
        store.entry(99)
    with pytest.raises(ProjectError, match=r"Image 99 is not in art\.studio"):
        store.image_png(99)


def test_identical_images_are_stored_once(store) -> None:
    first = add_image(store, 1, "first")
    second = add_image(store, 1, "second")

    assert first.image_id == second.image_id
    assert store.image_count() == 1
    assert len(store.entries()) == 2


def test_filter_matches_prompt_substrings_in_any_case(store) -> None:
    add_image(store, 1, "A Red Fox in snow")
    add_image(store, 2, "blue whale")
    add_image(store, 3, "red panda, ÉTÉ")

    assert [e.prompt for e in store.entries("red")] == ["red panda, ÉTÉ", "A Red Fox in snow"]
    assert [e.prompt for e in store.entries("été")] == ["red panda, ÉTÉ"]
    assert store.entries("zebra") == []
    assert len(store.entries("")) == 3


def test_delete_and_restore_keep_ids_and_bytes(store, project_path) -> None:
    older = add_image(store, 1)
    victim = add_image(store, 2)
    png = store.image_png(victim.image_id)

    deleted = store.delete_entry(victim.id)
    newer = add_image(store, 3)
    restored = store.restore_entry(deleted)
    store.close()

    assert deleted.image is not None and deleted.image.png == png
    assert newer.id > victim.id and newer.image_id != victim.image_id  # ids never reused
    assert restored == victim
    with ProjectStore.open(project_path) as reopened:
        assert [e.id for e in reopened.entries()] == [newer.id, victim.id, older.id]
        assert reopened.image_png(victim.image_id) == png
        assert reopened.entry(victim.id).recipe == victim.recipe


def test_deleting_one_of_two_entries_sharing_an_image_keeps_the_image(store) -> None:
    first = add_image(store, 1, "first")
    second = add_image(store, 1, "second")

    deleted_first = store.delete_entry(first.id)
    deleted_second = store.delete_entry(second.id)

    assert deleted_first.image is None
    assert deleted_second.image is not None
    assert store.is_empty()
    with pytest.raises(ProjectError, match="undo later deletions first"):
        store.restore_entry(deleted_first)
    store.restore_entry(deleted_second)
    store.restore_entry(deleted_first)
    assert [e.prompt for e in store.entries()] == ["second", "first"]
    with pytest.raises(ProjectError, match="already in the project"):
        store.restore_entry(deleted_first)


def test_state_documents(store, project_path) -> None:
    store.set_state("canvas", {"layers": [{"name": "ink", "opacity": 0.5}], "zoom": 2})
    store.set_state("prompt_panel", {"prompt": "猫"})
    store.set_state("canvas", {"zoom": 3})
    store.close()

    with ProjectStore.open(project_path) as reopened:
        assert reopened.get_state("canvas") == {"zoom": 3}
        assert reopened.get_state("prompt_panel") == {"prompt": "猫"}
        assert reopened.get_state("missing") is None
        with pytest.raises(ValueError):
            reopened.set_state("canvas", [1, 2])  # type: ignore[arg-type]


def test_awkward_prompts_and_recipes_are_stored(store) -> None:
    png = encode_png(image_pixels(1))
    recipe = {"prompt": "lone \ud800", "odd": object()}

    entry = store.add_image_entry("generate", png, png, 32, 24, "nul\0 lone \ud800", recipe)

    assert store.entry(entry.id).prompt == "nul\0 lone \ufffd"
    assert store.entry(entry.id).recipe["prompt"] == "lone \ud800"
    assert store.entry(entry.id).recipe["odd"].startswith("<object object")


def test_only_png_is_accepted_as_a_history_image(store) -> None:
    with pytest.raises(ValueError, match="PNG"):
        store.add_image_entry("generate", b"\xff\xd8\xff jpeg", b"", 8, 8, "p", {})
    assert store.is_empty()


def test_create_never_overwrites(project_path) -> None:
    project_path.write_bytes(b"precious")

    with pytest.raises(ProjectError, match="already exists"):
        ProjectStore.create(project_path)
    assert project_path.read_bytes() == b"precious"


def test_closed_store_says_so(store) -> None:
    store.close()
    store.close()

    with pytest.raises(ProjectError, match="closed"):
        store.entries()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (os.urandom(4096), "not a Studio project file"),
        (b"SQLite format 3\0" + b"\xff" * 200, "damaged"),
    ],
    ids=["empty", "random", "bad-header"],
)
def test_damaged_files_are_refused_and_left_untouched(project_path, content, message) -> None:
    project_path.write_bytes(content)
    before = file_hash(project_path)

    with pytest.raises(ProjectError, match=message):
        ProjectStore.open(project_path)
    assert file_hash(project_path) == before
    assert sorted(p.name for p in project_path.parent.iterdir()) == ["art.studio"]


def test_truncated_project_is_refused_and_left_untouched(store, project_path) -> None:
    for seed in range(6):
        add_image(store, seed)
    store.close()
    data = project_path.read_bytes()
    project_path.write_bytes(data[: len(data) // 2])
    before = file_hash(project_path)

    with pytest.raises(ProjectError, match="damaged"):
        ProjectStore.open(project_path)
    assert file_hash(project_path) == before


def test_other_sqlite_databases_are_not_projects(project_path) -> None:
    with sqlite3.connect(project_path) as connection:
        connection.execute("CREATE TABLE songs (title TEXT)")
    connection.close()

    with pytest.raises(ProjectError, match="a database, but not a Studio project"):
        ProjectStore.open(project_path)


def test_missing_file_and_folder(tmp_path) -> None:
    with pytest.raises(ProjectError, match="not found"):
        ProjectStore.open(tmp_path / "nope.studio")
    with pytest.raises(ProjectError, match="is a folder"):
        ProjectStore.open(tmp_path)


def _set_format_version(path, version: int, app_version: str) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "UPDATE meta SET value = ? WHERE key = 'format_version'", (str(version),)
        )
        connection.execute("UPDATE meta SET value = ? WHERE key = 'app_version'", (app_version,))
    connection.close()


def test_newer_format_opens_read_only_and_refuses_writes(store, project_path) -> None:
    entry = add_image(store, 1)
    store.close()
    _set_format_version(project_path, FORMAT_VERSION + 1, "9.0.0")
    before = file_hash(project_path)

    with ProjectStore.open(project_path) as newer:
        assert newer.read_only
        assert "Studio 9.0.0" in newer.read_only_reason
        assert "read-only" in newer.read_only_reason
        assert newer.entries() == [entry]
        with pytest.raises(ProjectError, match="update Studio"):
            add_image(newer, 2)
        with pytest.raises(ProjectError, match="read-only"):
            newer.delete_entry(entry.id)
        with pytest.raises(ProjectError, match="read-only"):
            newer.set_state("canvas", {})
    assert file_hash(project_path) == before
    assert sorted(p.name for p in project_path.parent.iterdir()) == ["art.studio"]


def test_file_that_cannot_be_written_opens_read_only(store, project_path, make_unwritable):
    entry = add_image(store, 1)
    store.close()
    before = file_hash(project_path)
    make_unwritable(project_path)

    with ProjectStore.open(project_path) as locked:
        assert locked.read_only and "cannot be written" in locked.read_only_reason
        assert locked.entries() == [entry]
        with pytest.raises(ProjectError, match="cannot be written; save a copy"):
            locked.set_state("canvas", {})
    assert file_hash(project_path) == before


def test_new_file_is_a_marked_single_file(store, project_path) -> None:
    add_image(store, 1)

    connection = sqlite3.connect(f"{project_path.as_uri()}?mode=ro", uri=True)
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    journal_mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()

    assert application_id == APPLICATION_ID
    assert journal_mode == "delete"
    assert sorted(p.name for p in project_path.parent.iterdir()) == ["art.studio"]


def test_damage_inside_the_file_surfaces_as_project_error(store, project_path) -> None:
    for seed in range(3):
        add_image(store, seed)
    store.close()
    data = bytearray(project_path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page after the first is garbage
    project_path.write_bytes(bytes(data))

    with pytest.raises(ProjectError, match="damaged"), ProjectStore.open(project_path) as damaged:
        damaged.entries()  # refused at opening, or at the first read


def test_file_busy_in_another_program_gives_advice(store, project_path, monkeypatch) -> None:
    monkeypatch.setattr(connection_module, "BUSY_TIMEOUT_S", 0.05)
    busy = ProjectStore.open(project_path)
    other = sqlite3.connect(project_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ProjectError, match="in use by another program"):
            add_image(busy, 1)
    finally:
        other.execute("ROLLBACK")
        other.close()
        busy.close()
    assert store.is_empty()


@pytest.mark.parametrize("name", ["a?b#c%20 d.studio", "猫 🐱.studio", "x&mode=ro.studio"])
def test_file_names_with_uri_characters(tmp_path, name: str) -> None:
    with ProjectStore.create(tmp_path / name) as created:
        add_image(created, 1)

    with ProjectStore.open(tmp_path / name) as reopened:
        assert not reopened.read_only and len(reopened.entries()) == 1
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_recipe_text_is_stored_as_it_is_and_text_that_is_not_json_is_refused(store) -> None:
    png = encode_png(image_pixels(1))
    text = '{"b": 1,  "a": [2, 3]}'
    entry = store.add_image_entry("generate", png, png, 32, 24, "p", text)
    row = store._connection.execute(
        "SELECT recipe_json FROM history WHERE id = ?", (entry.id,)
    ).fetchone()
    assert row[0] == text and entry.recipe == {"b": 1, "a": [2, 3]}
    with pytest.raises(ValueError):
        store.add_image_entry("generate", png, png, 32, 24, "p", "{not json")
    assert len(store.entries()) == 1
