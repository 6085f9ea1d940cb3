"""``studio generate`` and ``studio batch`` fill a request from the model's defaults
(:func:`studio.ops.request_defaults.defaults_for`), as the prompt panel does."""

from __future__ import annotations

from pathlib import Path

from studio.cli import build_parser
from studio.cli.batch import _engine_and_defaults
from studio.cli.generate import build_request
from studio.ops.request_defaults import defaults_for
from tests.ops.test_request_defaults import TURBO, builtin_vae


def _generate_args(tmp_path: Path, *extra: str):
    return build_parser().parse_args(["generate", "x", *extra, "-o", str(tmp_path / "o.png")])


def _sampling(request) -> dict[str, object]:
    return {name: getattr(request, name) for name in defaults_for(TURBO).fields()}


def test_generate_takes_the_models_defaults(tmp_path: Path) -> None:
    for info in (TURBO, builtin_vae()):
        request = build_request(_generate_args(tmp_path), info)
        assert _sampling(request) == defaults_for(info).fields()
        assert request.model == info.id


def test_generate_options_win_over_the_models_defaults(tmp_path: Path) -> None:
    args = _generate_args(tmp_path, "--steps", "12", "--cfg", "3", "--size", "256x128")
    request = build_request(args, TURBO)
    assert (request.steps, request.cfg_scale, request.width, request.height) == (12, 3, 256, 128)


def test_a_batch_takes_the_same_defaults_as_generate(tmp_path: Path) -> None:
    info = builtin_vae()
    args = build_parser().parse_args(
        ["batch", "a {red|blue} gem", "--model", info.id, "-o", str(tmp_path / "out")]
    )
    engine, defaults = _engine_and_defaults(args)
    engine.close()
    expected = _sampling(build_request(_generate_args(tmp_path), info))
    assert {name: defaults[name] for name in expected} == expected
    assert defaults["model"] == info.id
