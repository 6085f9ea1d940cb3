"""Older project files are upgraded after a backup, in one transaction (RELIABILITY 8)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from studio.domain.errors import ProjectError
from studio.imaging.png import encode_png
from studio.project import migrations
from studio.project.schema import APPLICATION_ID, FORMAT_VERSION
from studio.project.store import ProjectStore
from tests.project.conftest import add_image, file_hash, image_pixels

# The pre-release layout, written by hand as an old Studio would have.
V0_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE images (
    id INTEGER PRIMARY KEY, png BLOB, thumb BLOB, width INTEGER, height INTEGER,
    created_at REAL
);
CREATE TABLE history (
    id INTEGER PRIMARY KEY, image_id INTEGER REFERENCES images (id), kind TEXT,
    created_at REAL, prompt TEXT, recipe_json TEXT
);
CREATE INDEX history_by_image ON history (image_id);
INSERT INTO meta VALUES ('format_version', '0'), ('app_version', '0.0.9');
"""


@pytest.fixture
def v0_project(tmp_path: Path) -> Path:
    path = tmp_path / "old.studio"
    connection = sqlite3.connect(path)
    connection.executescript(V0_SCHEMA)
    pngs = {3: encode_png(image_pixels(3)), 7: encode_png(image_pixels(7))}
    connection.executemany(
        "INSERT INTO images VALUES (?, ?, NULL, 32, 24, 1000.0)", list(pngs.items())
    )
    connection.executemany(
        "INSERT INTO history VALUES (?, ?, 'generate', ?, ?, ?)",
        [
            (4, 3, 1001.0, "first", '{"seed": 3}'),
            (9, 7, 1002.0, "second", '{"seed": 7}'),
            (12, 7, 1003.0, None, None),
        ],
    )
    connection.commit()
    connection.close()
    return path


def test_v0_file_is_migrated_forward_with_a_backup(v0_project: Path) -> None:
    with ProjectStore.open(v0_project) as store:
        backup = store.migration_backup
        entries = store.entries()
        png = store.image_png(7)
        new = add_image(store, 1)
        store.set_state("canvas", {"zoom": 1})

    assert backup == v0_project.with_name("old.studio.bak-v0")
    assert [(e.id, e.image_id, e.prompt) for e in entries] == [
        (12, 7, ""),
        (9, 7, "second"),
        (4, 3, "first"),
    ]
    assert entries[0].recipe == {} and entries[1].recipe == {"seed": 7}
    assert png == encode_png(image_pixels(7))
    assert new.id == 13
    with sqlite3.connect(v0_project) as connection:
        meta = dict(connection.execute("SELECT key, value FROM meta"))
        hashes = dict(connection.execute("SELECT id, sha256 FROM images"))
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    assert meta["format_version"] == str(FORMAT_VERSION)
    assert hashes[7] == hashlib.sha256(png).hexdigest()
    assert application_id == APPLICATION_ID
    # The backup is the old file, still in the old format.
    with sqlite3.connect(backup) as connection:
        assert connection.execute(
            "SELECT value FROM meta WHERE key='format_version'"
        ).fetchone() == ("0",)
        assert connection.execute("SELECT count(*) FROM history").fetchone() == (3,)


def test_ids_are_never_reused_after_migration(v0_project: Path) -> None:
    with ProjectStore.open(v0_project) as store:
        newest = add_image(store, 1)
        store.delete_entry(newest.id)
        again = add_image(store, 2)

    assert again.id == newest.id + 1


def test_failed_migration_leaves_the_file_unchanged(v0_project: Path, monkeypatch) -> None:
    before = file_hash(v0_project)
    real_step = migrations.MIGRATIONS[0]

    def half_then_fail(connection: sqlite3.Connection) -> None:
        real_step(connection)
        raise sqlite3.OperationalError("simulated failure after the tables were rebuilt")

    monkeypatch.setitem(migrations.MIGRATIONS, 0, half_then_fail)

    with pytest.raises(ProjectError, match=r"Could not upgrade old\.studio .*unchanged"):
        ProjectStore.open(v0_project)

    assert file_hash(v0_project) == before
    assert v0_project.with_name("old.studio.bak-v0").exists()
    monkeypatch.undo()
    with ProjectStore.open(v0_project) as store:  # and a later attempt succeeds
        assert len(store.entries()) == 3


def test_a_second_backup_never_overwrites_the_first(v0_project: Path, tmp_path: Path) -> None:
    first_backup = v0_project.with_name("old.studio.bak-v0")
    first_backup.write_bytes(b"an older backup")

    with ProjectStore.open(v0_project) as store:
        assert store.migration_backup == v0_project.with_name("old.studio.bak-v0-2")

    assert first_backup.read_bytes() == b"an older backup"
