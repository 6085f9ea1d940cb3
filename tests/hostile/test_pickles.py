"""Malicious and self-referring pickle checkpoints: refused, never run, never looped on.

RELIABILITY 1, 2 and 4. Every payload would create the ``marker`` file if unpickled by a
plain ``torch.load``; each case asserts the exact message and that the marker never appears.
"""

from __future__ import annotations

import builtins
import io
import pickle
import warnings
from pathlib import Path

import pytest

from studio.cli import main
from studio.domain.errors import DamagedModelError, UnsafeModelError
from studio.engine.registry import ModelRegistry
from studio.engine.safe_load import load_state_dict
from tests.hostile.conftest import settings_for

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.timeout(60)

UNSAFE = (
    " and was not loaded: convert it to .safetensors or use a .safetensors download of the "
    "same model."
)


class _Reduce:
    """``open(marker, "w")`` through ``__reduce__``: the classic malicious checkpoint."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


class _Builtins:
    """``builtins.exec`` of source text: code as data, no module of the attacker's needed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (builtins.exec, (f"open({str(self.marker)!r}, 'w').close()",))


class _Nested:
    """``pickle.loads`` of an inner malicious pickle: one innocent-looking global outside."""

    def __init__(self, marker: Path) -> None:
        self.inner = pickle.dumps(_Reduce(marker))

    def __reduce__(self):
        return (pickle.loads, (self.inner,))


def _save(path: Path, payload, *, legacy: bool) -> Path:
    checkpoint = {"state_dict": {"w": torch.ones(2)}, "payload": payload}
    torch.save(checkpoint, path, _use_new_zipfile_serialization=not legacy)
    return path


CASES = [
    pytest.param(_Reduce, False, "io.open", id="reduce-zip"),
    pytest.param(_Reduce, True, "io.open", id="reduce-legacy"),
    pytest.param(_Builtins, False, "__builtin__.exec", id="builtins-exec-zip"),
    pytest.param(_Builtins, True, "__builtin__.exec", id="builtins-exec-legacy"),
    pytest.param(_Nested, False, "pickle.loads", id="nested-pickle-zip"),
    pytest.param(_Nested, True, "pickle.loads", id="nested-pickle-legacy"),
]


@pytest.mark.parametrize(("payload", "legacy", "named"), CASES)
def test_malicious_pickle_is_refused_with_the_code_message(
    tmp_path, marker, payload, legacy, named
) -> None:
    path = _save(tmp_path / "evil.ckpt", payload(marker), legacy=legacy)
    with pytest.raises(UnsafeModelError) as refused:
        load_state_dict(path)
    assert str(refused.value) == f"evil.ckpt contains code ({named}){UNSAFE}"
    with pytest.raises(UnsafeModelError):
        ModelRegistry(settings_for(builtin_dir=tmp_path / "none")).inspect_path(path)
    assert not marker.exists()


class Scripted(torch.nn.Module):
    """TorchScript carries its own code (the compiled ``forward``) inside the archive."""

    def forward(self, x):
        return x


def test_torchscript_archive_is_refused_and_never_run(tmp_path, marker) -> None:
    path = tmp_path / "scripted.pt"
    with warnings.catch_warnings():  # torch.jit is deprecated; still what attackers ship
        warnings.simplefilter("ignore", FutureWarning)
        torch.jit.save(torch.jit.script(Scripted()), str(path))
    with pytest.raises(UnsafeModelError) as refused:
        load_state_dict(path)
    named = "__torch__.tests.hostile.test_pickles.Scripted"
    assert str(refused.value) == f"scripted.pt contains code ({named}){UNSAFE}"
    assert not marker.exists()


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_a_state_dict_that_refers_to_itself_is_refused_at_once(tmp_path, legacy) -> None:
    """Defect 3: a 1 KB file made ``_unwrap_state_dict`` spin at 100 % CPU forever."""
    loop: dict = {"w": torch.ones(1)}
    loop["state_dict"] = loop
    path = tmp_path / "loop.ckpt"
    torch.save(loop, path, _use_new_zipfile_serialization=not legacy)
    assert path.stat().st_size < 2048
    with pytest.raises(DamagedModelError) as refused:
        load_state_dict(path)
    assert str(refused.value) == (
        "loop.ckpt is damaged or incomplete (its state_dict refers to itself): download it again."
    )


def test_state_dicts_nested_without_end_are_refused(tmp_path) -> None:
    nested: dict = {"w": torch.ones(1)}
    for _ in range(50):
        nested = {"state_dict": nested}
    path = tmp_path / "deep.ckpt"
    torch.save(nested, path)
    with pytest.raises(DamagedModelError, match=r"its state_dict is nested too deeply"):
        load_state_dict(path)


def test_generate_and_add_with_a_self_referring_ckpt_end_in_one_line(tmp_path, capsys) -> None:
    loop: dict = {}
    loop["state_dict"] = loop
    path = tmp_path / "loop.ckpt"
    torch.save(loop, path)
    expected = (
        "loop.ckpt is damaged or incomplete (its state_dict refers to itself): download it again."
    )
    assert main(["generate", "x", "--model", str(path), "-o", str(tmp_path / "o.png")]) == 1
    assert capsys.readouterr().err == f"studio generate: error: {expected}\n"
    assert main(["models", "--add", str(path)]) == 1
    assert capsys.readouterr().err == f"studio models: error: {expected}\n"


def test_pickle_bytes_never_reach_a_plain_unpickler(tmp_path, marker, monkeypatch) -> None:
    """Belt and braces: if anything fell back to ``pickle.load``, this test would see it."""
    calls = []
    real = pickle.Unpickler

    class Spy(real):
        def __init__(self, *args, **kwargs):
            calls.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pickle, "Unpickler", Spy)
    path = _save(tmp_path / "evil.ckpt", _Reduce(marker), legacy=True)
    with pytest.raises(UnsafeModelError):
        load_state_dict(path)
    assert not marker.exists()
    assert all(not isinstance(a[0], io.BufferedReader) for a in calls)
