"""The recipe every image carries: Studio's own, A1111's and ComfyUI's (ANCHORS.md)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from studio.domain.errors import MetadataError
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.domain.style import StyleRequest
from studio.imaging.a1111 import a1111_parameters, parse_a1111_parameters
from studio.imaging.png import encode_png, png_text_chunks
from studio.imaging.recipe import format_recipe, read_recipe
from studio.imaging.recipe_chunks import encode_result_png, image_recipe_chunks
from tests.imaging.comfyui_graphs import DEFAULT_GRAPH, HIRES_GRAPH

A1111_TEXT = (
    "masterpiece, best quality, a knight\n"
    "in shining armor, (glowing:1.2)\n"
    "Negative prompt: lowres, bad anatomy\n"
    "Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 965400086, "
    "Size: 512x768, Model hash: 45dee52b, Model: v1-5-pruned-emaonly, "
    'Lora hashes: "add_detail: 7c6bad76eb54", Version: v1.10.1'
)


def _pixels(height: int = 8, width: int = 8) -> np.ndarray:
    return np.random.default_rng(3).integers(0, 256, (height, width, 4), dtype=np.uint8)


def _image(request: object, **kwargs: object) -> GeneratedImage:
    return GeneratedImage(request=request, pixels=_pixels(), **kwargs)


def test_a1111_parameters_exact_layout() -> None:
    request = GenerationRequest(
        prompt="a castle, golden hour",
        negative_prompt="blurry",
        sampler="Euler a",
        steps=20,
        cfg_scale=7,
        seed=965400086,
    )

    text = a1111_parameters(request, model_name="sd15", model_hash="45dee52b")

    assert text == (
        "a castle, golden hour\n"
        "Negative prompt: blurry\n"
        "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 965400086, Size: 512x512, "
        "Model hash: 45dee52b, Model: sd15"
    )


def test_a1111_parameters_img2img_extra_quoting_and_empty_negative() -> None:
    request = GenerationRequest(
        prompt="p", cfg_scale=7.5, seed=1, init_image=b"png bytes", strength=0.75
    )

    text = a1111_parameters(request, extra={"Style": "ink, wash", "Note": "a:b", "bad,key": 1})

    assert "Negative prompt" not in text
    assert text.splitlines()[1] == (
        "Steps: 25, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 1, Size: 512x512, "
        'Denoising strength: 0.75, Style: "ink, wash", Note: "a:b"'
    )


def test_parse_literal_a1111_text() -> None:
    parsed = parse_a1111_parameters(A1111_TEXT)

    assert (
        parsed["prompt"] == "masterpiece, best quality, a knight\nin shining armor, (glowing:1.2)"
    )
    assert parsed["negative_prompt"] == "lowres, bad anatomy"
    assert parsed["params"] == {
        "Steps": "20",
        "Sampler": "DPM++ 2M",
        "Schedule type": "Karras",
        "CFG scale": "7",
        "Seed": "965400086",
        "Size": "512x768",
        "Model hash": "45dee52b",
        "Model": "v1-5-pruned-emaonly",
        "Lora hashes": "add_detail: 7c6bad76eb54",
        "Version": "v1.10.1",
    }


def test_last_line_with_fewer_than_three_pairs_is_prompt_text() -> None:
    parsed = parse_a1111_parameters("a cat\nstyle: ink, mood: calm")

    assert parsed == {
        "prompt": "a cat\nstyle: ink, mood: calm",
        "negative_prompt": "",
        "params": {},
    }


def test_a1111_write_parse_round_trip_with_awkward_values() -> None:
    request = GenerationRequest(prompt="line one\nline two", negative_prompt="a\nb", seed=5)
    extra = {"Quote": 'say "hi", then: leave', "Multi": "x\ny"}

    parsed = parse_a1111_parameters(a1111_parameters(request, extra=extra))

    assert parsed["prompt"] == "line one\nline two"
    assert parsed["negative_prompt"] == "a\nb"
    assert parsed["params"]["Quote"] == 'say "hi", then: leave'
    assert parsed["params"]["Multi"] == "x\ny"


def test_hostile_parameter_lines_parse_in_linear_time() -> None:
    # Nearly a million characters without a colon: a regular expression that backtracks over the
    # rest of the line at each position (as A1111's does) needs about 10^11 steps here.
    line = "a" + " word" * 190_000 + ', Note: "never closed, Steps: 20, Seed: 1, Size: 8x8'

    parsed = parse_a1111_parameters("prompt\n" + line)

    assert parsed["prompt"] == "prompt"
    assert parsed["params"] == {
        "Note": '"never closed',
        "Steps": "20",
        "Seed": "1",
        "Size": "8x8",
    }


def test_studio_recipe_round_trip_replays_the_exact_request() -> None:
    request = GenerationRequest(
        prompt="猫, a cat\n🐱 \ud83d lone surrogate",
        negative_prompt="blurry: 1",
        sampler="DPM++ 2M SDE Karras",
        steps=31,
        cfg_scale=6.5,
        width=768,
        height=512,
        seed=4294967295,
    )
    image = _image(request, model_name="Tiny SD", model_hash="ab12", elapsed_s=1.23456, index=2)

    recipe = read_recipe(encode_result_png(image))

    assert recipe.source == "studio"
    assert recipe.request == request
    assert recipe.prompt == request.prompt
    assert recipe.model_name == "Tiny SD"
    assert recipe.params["Size"] == "768x512"
    studio = json.loads(recipe.raw["studio"])
    assert (studio["index"], studio["elapsed_s"], studio["kind"]) == (2, 1.235, "generate")


def test_result_png_is_lossless_and_readable_by_other_tools() -> None:
    image = _image(GenerationRequest(prompt="p", seed=3), model_name="m")

    data = encode_result_png(image)
    decoded = Image.open(io.BytesIO(data))

    assert np.array_equal(np.asarray(decoded), image.pixels)
    assert decoded.text["parameters"].startswith("p\nSteps: 25")


def test_style_transfer_results_carry_a_generic_recipe() -> None:
    request = StyleRequest(source=b"src", presets=(3,), strength=0.8, preserve_colors=True)
    image = _image(request, kind="style", model_name="styletransfer")

    chunks = image_recipe_chunks(image)
    recipe = read_recipe(encode_png(image.pixels, chunks))

    assert chunks["parameters"] == (
        "Style transfer\nKind: style, Source label: , Strength: 0.8, Preserve colors: True, "
        "Method: fast, Iterations: 200, Source sha256: "
        "25a6634263c1b1f6fc4697a04e2b9904ea4b042a89af59dc93ec1f5d44848a26, "
        "Size: 8x8, Model: styletransfer"
    )
    assert recipe.source == "studio"
    assert recipe.request is None
    assert json.loads(chunks["studio"])["request"]["presets"] == [3]


def test_a1111_png_recipe_becomes_a_request() -> None:
    recipe = read_recipe(encode_png(_pixels(), {"parameters": A1111_TEXT}))

    assert recipe.source == "a1111"
    assert recipe.model_name == "v1-5-pruned-emaonly"
    assert recipe.request == GenerationRequest(
        # The LoRA that A1111's "Lora hashes" lists is asked for again, as a prompt tag.
        prompt="masterpiece, best quality, a knight\nin shining armor, (glowing:1.2), "
        "<lora:add_detail:1>",
        negative_prompt="lowres, bad anatomy",
        sampler="DPM++ 2M Karras",
        steps=20,
        cfg_scale=7,
        seed=965400086,
        width=512,
        height=768,
    )
    assert recipe.notes == ()


def test_a1111_values_studio_cannot_use_fall_back_with_notes() -> None:
    text = "p\nSteps: 500, Sampler: DPM++ 3M SDE, CFG scale: 7, Seed: 1, Size: 1023x600"

    recipe = read_recipe(encode_png(_pixels(), {"parameters": text}))

    assert recipe.request is not None
    assert (recipe.request.steps, recipe.request.sampler) == (25, "DPM++ 2M Karras")
    assert (recipe.request.width, recipe.request.height) == (1016, 600)
    assert recipe.params["Sampler"] == "DPM++ 3M SDE"
    assert len(recipe.notes) == 3


@pytest.mark.parametrize("image_format", ["JPEG", "WEBP"])
def test_a1111_recipe_from_exif_user_comment(image_format: str) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"UNICODE\0" + A1111_TEXT.encode("utf-16-be")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format=image_format, exif=exif.tobytes())

    recipe = read_recipe(buffer.getvalue())

    assert recipe.source == "a1111"
    assert recipe.negative_prompt == "lowres, bad anatomy"


def test_comfyui_prompt_graph() -> None:
    chunks = {"prompt": json.dumps(DEFAULT_GRAPH), "workflow": json.dumps({"nodes": []})}

    recipe = read_recipe(encode_png(_pixels(), chunks))

    assert recipe.source == "comfyui"
    assert recipe.prompt == "beautiful scenery, glass bottle landscape\npurple galaxy"
    assert recipe.negative_prompt == "text, watermark"
    assert recipe.params == {
        "Steps": "20",
        "Sampler": "dpmpp_2m",
        "Scheduler": "karras",
        "CFG scale": "8",
        "Seed": "156680208700286",
        "Denoise": "1",
        "Size": "512x768",
        "Model": "v1-5-pruned-emaonly.safetensors",
        "LoRAs": "pixel-art.safetensors",
        "Workflow": "included",
    }
    request = recipe.request
    assert request is not None
    assert (request.sampler, request.steps, request.cfg_scale) == ("DPM++ 2M Karras", 20, 8.0)
    assert (request.width, request.height, request.seed) == (512, 768, None)
    assert any("Seed" in note for note in recipe.notes)  # ComfyUI seeds exceed 32 bits


def test_comfyui_hires_graph_reports_the_first_pass() -> None:
    recipe = read_recipe(encode_png(_pixels(), {"prompt": json.dumps(HIRES_GRAPH)}))

    assert recipe.params["Steps"] == "30"
    assert recipe.params["Seed"] == "42"
    assert recipe.params["Size"] == "1024x1024"
    assert recipe.request is not None and recipe.request.sampler == "Euler a"


def test_comfyui_graph_with_a_cycle_and_no_sampler_does_not_hang() -> None:
    cyclic = {
        "1": {"class_type": "KSampler", "inputs": {"steps": 5, "positive": ["2", 0]}},
        "2": {"class_type": "ConditioningCombine", "inputs": {"conditioning_1": ["3", 0]}},
        "3": {"class_type": "ConditioningCombine", "inputs": {"conditioning_1": ["2", 0]}},
    }

    assert read_recipe(encode_png(_pixels(), {"prompt": json.dumps(cyclic)})).prompt == ""
    no_sampler = read_recipe(encode_png(_pixels(), {"prompt": json.dumps({"1": {}})}))
    assert no_sampler.source == "comfyui" and no_sampler.request is None


@pytest.mark.parametrize("key", ["studio", "prompt"])
def test_deeply_nested_json_is_metadata_error_not_recursion_error(key: str) -> None:
    nested = "[" * 100_000 + "]" * 100_000

    with pytest.raises(MetadataError, match="metadata unreadable"):
        read_recipe(encode_png(_pixels(), {key: '{"a": ' + nested + "}"}))


def test_huge_metadata_is_metadata_error() -> None:
    data = encode_png(_pixels(), {"parameters": "x" * 1_200_000})

    with pytest.raises(MetadataError, match="metadata unreadable"):
        read_recipe(data)
    with pytest.raises(MetadataError, match="metadata unreadable"):
        parse_a1111_parameters("x" * 1_200_000)


def test_broken_json_is_metadata_error() -> None:
    with pytest.raises(MetadataError, match="not valid JSON"):
        read_recipe(encode_png(_pixels(), {"prompt": '{"3": {"class_type": '}))


def test_image_without_recipe() -> None:
    recipe = read_recipe(encode_png(_pixels(), {"Software": "GIMP"}))

    assert recipe.source == "none" and recipe.request is None
    assert format_recipe(recipe) == (
        "Recipe: none (this image carries no recipe Studio can read)\nText chunks: Software"
    )
    assert png_text_chunks(encode_png(_pixels())) == {}


def test_format_recipe_is_readable_and_strips_terminal_escapes() -> None:
    text = "a \x1b[2Jcat\nsecond line\nNegative prompt: dog\nSteps: 20, Sampler: Euler, Seed: 9"

    shown = format_recipe(read_recipe(encode_png(_pixels(), {"parameters": text})))

    assert shown == (
        "Recipe: AUTOMATIC1111 parameters\n"
        "Prompt: a \ufffd[2Jcat\n"
        "  second line\n"
        "Negative prompt: dog\n"
        "Steps: 20\n"
        "Sampler: Euler\n"
        "Seed: 9\n"
        "Replay: yes"
    )


def test_studio_chunk_keeps_extras_as_plain_data() -> None:
    extra = {"weights": np.array([0.25, 0.75]), "mask": np.zeros((64, 64)), "raw": b"abc"}
    image = _image(GenerationRequest(prompt="p", seed=1), extra=extra, warnings=("w",))

    recipe = json.loads(image_recipe_chunks(image)["studio"])

    assert recipe["extra"]["weights"] == [0.25, 0.75]
    assert recipe["extra"]["mask"] == {"shape": [64, 64], "dtype": "float64"}
    assert recipe["extra"]["raw"]["bytes"] == 3
    assert recipe["warnings"] == ["w"] and recipe["request"]["seed"] == 1


@pytest.mark.parametrize(
    "request_data",
    [{"prompt": "x", "sampler": 5}, {"prompt": "x", "steps": "many"}, {"prompt": ["x"]}],
)
def test_malformed_studio_request_is_a_note_not_a_crash(request_data: dict) -> None:
    studio = json.dumps({"format": "studio-recipe", "version": 1, "request": request_data})

    recipe = read_recipe(encode_png(_pixels(), {"studio": studio}))

    assert recipe.source == "studio" and recipe.request is None
    assert recipe.notes[0].startswith("The stored request cannot be replayed")
    format_recipe(recipe)


BUILTIN_KEYS = {
    "vae": set(),
    "gan": set(),
    "ar": {"CFG scale"},
    "diffusion": {"Steps", "Sampler", "CFG scale"},
}


@pytest.mark.parametrize("family", sorted(BUILTIN_KEYS))
def test_a_builtin_models_recipe_lists_only_the_controls_it_reads(family: str) -> None:
    request = GenerationRequest(prompt="potion", seed=3, width=64, height=64)
    image = _image(request, model_name="Built-in", extra={"family": family})
    png = encode_result_png(image)
    written = parse_a1111_parameters(Image.open(io.BytesIO(png)).text["parameters"])["params"]
    shown = read_recipe(png).params
    for params in (written, shown):
        assert {"Steps", "Sampler", "CFG scale"} & set(params) == BUILTIN_KEYS[family]
        assert params["Seed"] == "3" and params["Size"] == "64x64"
    # Another tool reading only the parameters line still gets a recipe (prompt, seed, size).
    other_tool = read_recipe(encode_png(_pixels(), {"parameters": image_recipe_chunks(image)
                                                    ["parameters"]}))  # fmt: skip
    assert other_tool.source == "a1111" and other_tool.request is not None
    assert other_tool.request.seed == 3 and other_tool.prompt == "potion"


def test_an_older_builtin_recipe_hides_the_controls_its_model_ignored() -> None:
    request = GenerationRequest(prompt="potion", seed=3)
    image = _image(request, model_name="Built-in", extra={"family": "gan"})
    chunks = image_recipe_chunks(image)
    chunks["parameters"] = a1111_parameters(request, model_name="Built-in")  # as written before
    recipe = read_recipe(encode_png(_pixels(), chunks))
    assert not {"Steps", "Sampler", "CFG scale"} & set(recipe.params)
    assert "CFG scale" not in format_recipe(recipe)
    assert recipe.request is not None and recipe.request.steps == request.steps  # replay intact


def test_a_stable_diffusion_recipe_keeps_every_control() -> None:
    image = _image(GenerationRequest(prompt="p", seed=3), model_name="sd15")
    params = read_recipe(encode_result_png(image)).params
    assert {"Steps", "Sampler", "CFG scale"} <= set(params)
