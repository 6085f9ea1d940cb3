"""FIFOs, devices and sockets given as files are refused before they are opened (RELIABILITY 22).

Issue 10, defect 10: a FIFO as a project blocked ``ProjectStore.open`` forever, ``studio info``
on a FIFO hung, and a FIFO or device as a model path gave a NotADirectoryError traceback. Every
case runs under a 20 s timeout: a hang fails the test instead of stalling CI.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from studio.cli import main
from studio.domain.errors import ImageReadError, ModelLoadError, ProjectError
from studio.engine.registry import ModelRegistry
from studio.engine.safe_load import load_state_dict, read_safetensors_header
from studio.imaging.decode import load_pixels
from studio.imaging.recipe import read_recipe
from studio.project.store import ProjectStore
from tests.hostile.conftest import settings_for

pytestmark = [
    pytest.mark.timeout(20),
    pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files"),
]

KINDS = {"fifo": "a named pipe (FIFO)", "device": "a device", "socket": "a socket"}


@pytest.fixture(params=sorted(KINDS))
def special(request, tmp_path):
    """A special file named like a real input; yields (path, its kind in words)."""
    kind = request.param
    if kind == "fifo":
        path = tmp_path / "thing"
        os.mkfifo(path)
    elif kind == "device":
        path = tmp_path / "thing"
        path.symlink_to("/dev/zero")  # endless bytes: a read without a bound never ends
    else:
        path = tmp_path / "thing"
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        request.addfinalizer(server.close)
    yield path, KINDS[kind]


def _named(path: Path, suffix: str) -> Path:
    target = path.with_name(f"input{suffix}")
    target.symlink_to(path)
    return target


def _line(name: str, kind: str) -> str:
    return f"{name} is {kind}, not a file: choose a regular file instead."


def test_a_special_file_as_a_project_is_refused(special) -> None:
    path, kind = special
    target = _named(path, ".studio")
    with pytest.raises(ProjectError) as refused:
        ProjectStore.open(target)
    assert str(refused.value) == _line("input.studio", kind)


def test_a_special_file_as_an_image_is_refused(special) -> None:
    path, kind = special
    target = _named(path, ".png")
    for reader in (read_recipe, load_pixels):
        with pytest.raises(ImageReadError) as refused:
            reader(target)
        assert str(refused.value) == _line("input.png", kind)


@pytest.mark.parametrize("suffix", [".safetensors", ".ckpt"])
def test_a_special_file_as_a_model_is_refused(special, tmp_path, suffix) -> None:
    path, kind = special
    target = _named(path, suffix)
    expected = _line(f"input{suffix}", kind)
    with pytest.raises(ModelLoadError) as refused:
        load_state_dict(target)
    assert str(refused.value) == expected
    if suffix == ".safetensors":
        with pytest.raises(ModelLoadError):
            read_safetensors_header(target)
    registry = ModelRegistry(settings_for(builtin_dir=tmp_path / "none"))
    with pytest.raises(ModelLoadError) as refused:
        registry.inspect_path(target)
    assert str(refused.value) == expected


def test_cli_commands_on_special_files_end_in_one_line(special, tmp_path, capsys) -> None:
    path, kind = special
    image = _named(path, ".png")
    assert main(["info", str(image)]) == 1
    assert capsys.readouterr().err == f"studio info: error: {_line('input.png', kind)}\n"
    model = _named(path, ".safetensors")
    assert main(["models", "--add", str(model)]) == 1
    assert capsys.readouterr().err == (
        f"studio models: error: {_line('input.safetensors', kind)}\n"
    )
    out = tmp_path / "out.png"
    assert main(["generate", "x", "--model", str(model), "-o", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"studio generate: error: {_line('input.safetensors', kind)}\n"
    )
