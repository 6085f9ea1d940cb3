"""``GenerationRequest.transparent`` and which LayerDiffuse files native transparency uses."""

from __future__ import annotations

import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.model_kind import AddonInfo, ModelKind
from studio.domain.models import ModelFamily
from studio.domain.requests import GenerationRequest
from studio.domain.transparency import find_native_files, native_problem

SD1, SDXL = ModelFamily.SD1, ModelFamily.SDXL


def _part(name: str, detail: str, family: ModelFamily = ModelFamily.UNKNOWN) -> AddonInfo:
    return AddonInfo(name, ModelKind.LAYERDIFFUSE, family, f"/m/{name}.safetensors", 1, detail)


SD15_ATTN = _part("layer_sd15_transparent_attn", "latent transparency attention LoRA", SD1)
SD15_DECODER = _part("layer_sd15_vae_transparent_decoder", "transparent decoder")
XL_ATTN = _part("layer_xl_transparent_attn", "latent transparency attention LoRA", SDXL)
XL_CONV = _part("layer_xl_transparent_conv", "latent transparency weight offsets", SDXL)
XL_DECODER = _part("vae_transparent_decoder", "transparent decoder")


def test_native_round_trips_and_sets_the_transparent_background() -> None:
    request = GenerationRequest(prompt="a slime", transparent="native")
    assert request.transparent == "native" and request.transparent_background is True
    again = GenerationRequest.from_dict(request.to_dict())
    assert again == request and again.to_dict()["transparent"] == "native"


def test_matte_is_stored_as_it_was_before_the_field_existed() -> None:
    old = GenerationRequest(prompt="a slime", transparent_background=True)
    new = GenerationRequest(prompt="a slime", transparent="matte")
    assert new == old and new.to_dict() == old.to_dict() and "transparent" not in new.to_dict()
    assert GenerationRequest(prompt="a").transparent is None


def test_an_unknown_mode_is_one_line() -> None:
    with pytest.raises(InvalidRequestError, match="'glass' is unknown: use native or matte"):
        GenerationRequest(prompt="a", transparent="glass")


def test_each_family_finds_its_patch_and_decoder() -> None:
    addons = [SD15_ATTN, SD15_DECODER, XL_CONV, XL_ATTN, XL_DECODER]
    sd1 = find_native_files(addons, SD1)
    xl = find_native_files(addons, SDXL)
    assert sd1 is not None and (sd1.patch, sd1.decoder) == (SD15_ATTN, SD15_DECODER)
    assert xl is not None and (xl.patch, xl.decoder) == (XL_ATTN, XL_DECODER)  # attention first
    only_conv = find_native_files([XL_CONV, XL_DECODER], SDXL)
    assert only_conv is not None and only_conv.patch == XL_CONV


def test_what_is_missing_is_named() -> None:
    assert native_problem([SD15_ATTN, SD15_DECODER], SD1) is None
    problem = native_problem([SD15_ATTN], SD1)
    assert problem is not None and "layer_sd15_vae_transparent_decoder.safetensors" in problem
    problem = native_problem([SD15_ATTN, SD15_DECODER], SDXL)
    assert problem is not None and "layer_xl_transparent_attn.safetensors" in problem
    problem = native_problem([], ModelFamily.BUILTIN)
    assert problem is not None and "SD 1.5 or SDXL model" in problem


def test_a_batch_spec_sets_the_mode_per_row() -> None:
    from studio.domain.batch_items import build_items
    from studio.domain.batch_spec import SpecContext, parse_spec

    text = "prompt,transparent\norb,native\ngem,matte\nkey,\n"
    items = build_items(parse_spec(text, "set.csv", SpecContext({}, 0)), 0)
    modes = [(i.request.transparent, i.request.transparent_background) for i in items]
    assert modes == [("native", True), (None, True), (None, False)]
    with pytest.raises(InvalidRequestError, match="'glass' is unknown"):
        build_items(parse_spec("prompt,transparent\norb,glass\n", "b.csv", SpecContext({}, 0)), 0)
