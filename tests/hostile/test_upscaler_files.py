"""Bad upscaler files: one line each naming the file, nothing in them run, nothing written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.domain.errors import DamagedModelError, ModelLoadError, UnsafeModelError
from studio.engine.upscale.load import load_upscaler
from tests.engine.upscale.tiny_esrgan import save_tiny_esrgan

torch = pytest.importorskip("torch")


class _Reduce:
    """``open(marker, "w")`` when unpickled: the classic malicious checkpoint."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("suffix", [".pth", ".safetensors"])
def test_a_truncated_upscaler_is_damaged(tmp_path: Path, suffix: str) -> None:
    path = save_tiny_esrgan(tmp_path, suffix=suffix)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(DamagedModelError, match=rf"^tiny-esrgan{suffix} is damaged or incomplete"):
        load_upscaler(path)


def test_a_pickle_with_code_is_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "4x-evil.pth"
    torch.save({"params_ema": {"conv_first.weight": _Reduce(marker)}}, path)
    with pytest.raises(
        UnsafeModelError,
        match=r"^4x-evil.pth contains code \((io|builtins)\.open\) and was not loaded",
    ):
        load_upscaler(path)
    assert not marker.exists()


def test_an_unknown_architecture_is_one_line(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    path = tmp_path / "mystery.safetensors"
    save_file({"encoder.weight": torch.zeros(4, 4), "decoder.bias": torch.zeros(4)}, str(path))
    with pytest.raises(ModelLoadError, match=r"^mystery.safetensors is not an upscaler Studio"):
        load_upscaler(path)


def test_the_cli_says_it_in_one_line_and_writes_nothing(tmp_path: Path, capsys) -> None:
    from studio.imaging.png import encode_png

    image = tmp_path / "in.png"
    image.write_bytes(encode_png(np.zeros((8, 8, 4), dtype=np.uint8)))
    model = save_tiny_esrgan(tmp_path, suffix=".pth")
    model.write_bytes(model.read_bytes()[:100])
    out = tmp_path / "out.png"
    code = main(["upscale", str(image), "-o", str(out), "--model", str(model), "--device", "cpu"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and not out.exists()
    assert err[-1].startswith("studio upscale: error: tiny-esrgan.pth is damaged or incomplete")
