"""One rule says which models can take poses: the Character Sheet dialog and the engine."""

from __future__ import annotations

from dataclasses import replace

from studio.domain.character_sheet import BUILTIN_REFUSAL, pose_refusal
from studio.domain.models import CANVAS_EDITS, ModelFamily, ModelFormat, ModelInfo, ModelSource

SD = ModelInfo("sd", "SD", ModelFamily.SD1, ModelSource.USER, ModelFormat.SAFETENSORS)


def test_a_model_that_takes_a_control_takes_poses() -> None:
    assert "control" in CANVAS_EDITS and pose_refusal(SD) == ""
    assert pose_refusal(None) == ""  # nothing chosen yet: nothing to refuse


def test_a_model_without_controls_is_refused_in_one_line() -> None:
    builtin = replace(SD, family=ModelFamily.BUILTIN, edits=("inpaint", "variation"))
    assert pose_refusal(builtin) == BUILTIN_REFUSAL and "\n" not in BUILTIN_REFUSAL
