"""The window on the real engine and a tiny Stable Diffusion model: the whole path once."""

from __future__ import annotations

import pytest

from studio.domain.settings import EngineSettings
from tests.ui.conftest import TIMEOUT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from studio.bench.tiny_models import build_tiny_pipeline

    return build_tiny_pipeline(tmp_path_factory.mktemp("ui-models") / "tiny-sd1", "sd1", seed=0)


def test_generate_and_cancel_through_the_real_engine(qtbot, make_window, tiny_model, tmp_path):
    from studio.engine.service import EngineService

    settings = EngineSettings(
        model_paths=(str(tiny_model),),
        device="cpu",
        scan_hf_cache=False,
        builtin_models_dir=str(tmp_path / "no-builtins"),
    )
    window = make_window(EngineService(settings))
    panel = window.prompt_panel
    assert panel.current_model_id() == str(tiny_model)
    panel.prompt_edit.setPlainText("a tiny red fox")
    panel.width_spin.setValue(64)
    panel.height_spin.setValue(64)
    panel.steps_spin.setValue(3)
    previews = []
    window.facade.progress.connect(lambda _j, u: previews.append(u.preview is not None))

    with qtbot.waitSignal(window.facade.finished, timeout=60_000):
        window.menu_actions.generate.trigger()

    assert any(previews)
    entry = window.history_model.entries()[0]
    assert entry.recipe["model_name"] == "tiny-sd1"
    assert entry.recipe["request"]["steps"] == 3
    assert window.canvas.image().width() == 64

    # Cancel as soon as the second job reports its first step: nothing reaches history.
    window.facade.progress.connect(lambda _j, u: u.step >= 1 and window.facade.cancel())
    panel.steps_spin.setValue(50)
    with qtbot.waitSignal(window.facade.cancelled, timeout=TIMEOUT * 6):
        window.menu_actions.generate.trigger()
    assert len(window.history_model.entries()) == 1
