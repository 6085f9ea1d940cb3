"""Family detection from tensor names and shapes (no full load)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.domain.errors import ModelLoadError
from studio.domain.models import ModelFamily
from studio.engine.sd.detect import V_PREDICTION_PROBE, detect_checkpoint, detect_file

UNET = "model.diffusion_model."
CONV_IN = {UNET + "input_blocks.0.0.weight": (320, 4, 3, 3)}
SD1 = {
    **CONV_IN,
    "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight": (49408, 768),
}
SD2 = {**CONV_IN, "cond_stage_model.model.token_embedding.weight": (49408, 1024)}
SDXL = {
    **CONV_IN,
    "conditioner.embedders.0.transformer.text_model.embeddings.position_embedding.weight": (
        77,
        768,
    ),
    "conditioner.embedders.1.model.positional_embedding": (77, 1280),
}


def test_sd1_is_detected() -> None:
    kind = detect_checkpoint(SD1, "dreamshaper_8.safetensors")
    assert (kind.family, kind.config_name, kind.default_size) == (
        ModelFamily.SD1,
        "sd1",
        (512, 512),
    )


def test_sd2_without_hints_is_the_512_epsilon_base() -> None:
    kind = detect_checkpoint(SD2, "sd21-base.safetensors")
    assert (kind.config_name, kind.prediction_type) == ("sd2-base", "epsilon")


def test_sd2_768_name_means_v_prediction() -> None:
    kind = detect_checkpoint(SD2, "v2-1_768-ema-pruned.safetensors")
    assert (kind.config_name, kind.prediction_type, kind.default_size) == (
        "sd2",
        "v_prediction",
        (768, 768),
    )


@pytest.mark.parametrize(("spread", "expected"), [(0.3, "v_prediction"), (0.01, "epsilon")])
def test_sd2_v_prediction_probe_reads_one_bias(spread: float, expected: str) -> None:
    shapes = {**SD2, V_PREDICTION_PROBE: (320,)}
    values = np.random.default_rng(0).normal(0, spread, 320).astype(np.float32)
    requested: list[str] = []

    def read(name: str) -> np.ndarray:
        requested.append(name)
        return values

    assert detect_checkpoint(shapes, "model.safetensors", read).prediction_type == expected
    assert requested == [V_PREDICTION_PROBE]


def test_sdxl_base_and_turbo_hint() -> None:
    assert detect_checkpoint(SDXL, "sd_xl_base_1.0.safetensors").default_size == (1024, 1024)
    turbo = detect_checkpoint(SDXL, "sd_xl_TURBO_1.0_fp16.safetensors")
    assert turbo.family is ModelFamily.SDXL and turbo.is_turbo and turbo.default_size == (512, 512)


def test_sdxl_v_pred_marker_key() -> None:
    kind = detect_checkpoint({**SDXL, "v_pred": ()}, "noob.safetensors")
    assert kind.prediction_type == "v_prediction"


def test_inpainting_checkpoints_are_detected_as_their_family() -> None:
    from studio.engine.sd.detect import unet_in_channels

    shapes = {**SD1, UNET + "input_blocks.0.0.weight": (320, 9, 3, 3)}
    assert detect_checkpoint(shapes, "sd-v1-5-inpainting.safetensors").family is ModelFamily.SD1
    assert unet_in_channels(shapes) == 9 and unet_in_channels(SD1) == 4


@pytest.mark.parametrize(
    ("shapes", "words"),
    [
        ({"conditioner.embedders.0.model.positional_embedding": (77, 1280), **CONV_IN}, "refiner"),
        ({**SD1, UNET + "input_blocks.0.0.weight": (320, 8, 3, 3)}, "8 input channels"),
        ({"lora_unet_down_blocks_0.alpha": ()}, "LoRA"),
        ({"encoder.down.0.block.0.conv1.weight": (128, 3, 3, 3)}, "VAE"),
        ({"down_blocks.0.resnets.0.conv1.weight": (320, 320, 3, 3)}, "diffusers"),
        ({"something.else": (1,)}, "not a Stable Diffusion"),
        (CONV_IN, "no text encoder"),
    ],
)
def test_unsupported_checkpoints_say_what_they_are(shapes, words: str) -> None:
    with pytest.raises(ModelLoadError, match=words):
        detect_checkpoint(shapes, "thing.safetensors")


def test_detect_file_reads_exported_tiny_checkpoints(
    tiny_sd1_file: Path, tiny_sdxl_file: Path
) -> None:
    assert detect_file(tiny_sd1_file).family is ModelFamily.SD1
    assert detect_file(tiny_sdxl_file).family is ModelFamily.SDXL
