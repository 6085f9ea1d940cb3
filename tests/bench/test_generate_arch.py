"""``studio bench generate --arch``: the published architectures, and the harness around them."""

from __future__ import annotations

import pytest

from studio.bench import generate, sd_arch
from studio.bench.cli import main

# Parameter counts of the published models (diffusers' and transformers' own figures).
PUBLISHED = {
    "sd15": {"unet": 859_520_964, "vae": 83_653_863, "text_encoder": 123_060_480},
    "sd2": {"unet": 865_910_724, "vae": 83_653_863, "text_encoder": 340_387_840},
    "sdxl": {
        "unet": 2_567_463_684,
        "vae": 83_653_863,
        "text_encoder": 123_060_480,
        "text_encoder_2": 694_659_840,
    },
}


@pytest.mark.parametrize("arch", sorted(PUBLISHED))
def test_arch_has_the_published_parameter_counts(arch: str) -> None:
    import torch

    pipe = sd_arch.build_arch_pipeline(arch, device="meta")  # shapes only: no memory, no time
    counts = {
        name: sum(tensor.numel() for tensor in module.parameters())
        for name, module in pipe.components.items()
        if isinstance(module, torch.nn.Module)
    }
    assert counts == PUBLISHED[arch]
    assert pipe.tokenizer("a cat").input_ids == [49406, 320, 2368, 49407]  # the real CLIP BPE


def test_sdxl_arch_is_an_sdxl_pipeline() -> None:
    from diffusers import StableDiffusionXLPipeline

    assert isinstance(sd_arch.build_arch_pipeline("sdxl", device="meta"), StableDiffusionXLPipeline)
    assert sd_arch.arch_model_info("sdxl").family.value == "sdxl"


def test_arch_bench_times_the_engine_against_diffusers(monkeypatch, capsys) -> None:
    from studio.bench.tiny_models import tiny_components
    from studio.engine.resources import sd_config_dir
    from studio.engine.sd.loading import assemble_pipeline

    # The harness is the thing under test: it runs on the tiny model of the same layout.
    def tiny(arch: str, seed: int = 0, device: str = "cpu"):
        return assemble_pipeline(
            sd_arch.arch_model_info(arch).family, tiny_components("sd1"), sd_config_dir("sd1")
        )

    monkeypatch.setattr(sd_arch, "build_arch_pipeline", tiny)
    row = generate.bench_arch("sd15", {"steps": 3, "step_cache": 2}, repeats=2, device="cpu")
    assert row["arch"] == "sd15" and row["fast"] is False and row["model"] == "random-sd15"
    assert row["device"] == "cpu" and row["torch"] and row["repeats"] == 2
    assert row["ours_s"]["median"] > 0 and row["diffusers_s"]["median"] > 0
    # Eager: one 1-step engine run warms up instead of a full first image of each side.
    assert row["first_s"] is None and row["compile_s"] is None and row["warm_up_s"] > 0
    # Where the time and memory go: the build, the text encoders (once), the peak RSS.
    assert row["build_s"] >= 0 and row["text_encoders_s"] > 0 and row["peak_rss_mb"] > 100
    assert row["load_average"] >= 0
    # Three steps per image: two gaps between the step reports of each timed run.
    assert row["per_step_s"]["median"] > 0
    # The engine cached steps, diffusers did not: the images differ, a little.
    assert row["step_cache"] == 2 and 0 < row["pixel_difference"]["mean"] < 0.1 * 255
    assert "generate: run 2/2: engine" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["generate", "--fast"], "--fast needs --arch"),
        (["generate", "--arch", "sd15", "--model", "x"], "give --model or --arch, not both"),
    ],
)
def test_generate_options_that_do_not_fit_are_one_line(argv, expected, capsys) -> None:
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_fast_and_eager_exclude_each_other(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["generate", "--arch", "sd15", "--fast", "--eager"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_random_weights_are_filled_once_in_pytorchs_range() -> None:
    import torch

    from studio.bench.tiny_models import tiny_components

    unet = tiny_components("sd1")["unet"]
    for tensor in unet.parameters():
        tensor.data.fill_(float("nan"))  # what an uninitialised build may hold
    torch.manual_seed(0)
    sd_arch.fill_random(unet)
    kernel = unet.conv_in.weight
    bound = kernel[0].numel() ** -0.5
    assert 0.9 * bound < float(kernel.abs().max()) <= bound  # PyTorch's default Conv bound
    assert bool((unet.conv_norm_out.weight == 1).all()) and bool((unet.conv_in.bias == 0).all())
    assert not any(bool(tensor.isnan().any()) for tensor in unet.parameters())
    first = kernel.clone()
    torch.manual_seed(0)
    sd_arch.fill_random(unet)
    assert torch.equal(first, unet.conv_in.weight)  # the same seed, the same model
