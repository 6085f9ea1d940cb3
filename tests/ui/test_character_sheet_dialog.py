"""Character Sheet…: the view-model without a window, the dialog from the Image menu and the
history's right-click, one job on the GPU lane that puts each frame in the history, Cancel,
the one-line refusal of a built-in model, and Export sheet… handing the frames on as an
animation. Generation is scripted (one frame per pose, as the engine's character sheet makes
them); the engine's own sheet is proven on a tiny SD model in tests/engine."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt

from studio.domain.character_sheet import BUILTIN_REFUSAL, CharacterSheetRequest
from studio.domain.errors import InvalidRequestError
from studio.domain.models import ModelFamily, ModelSource
from studio.domain.pose import KEYPOINT_NAMES
from studio.domain.pose_sequences import builtin_sequence
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from studio.ui.character_sheet_dialog import CharacterSheetDialog
from studio.ui.sheet_export_dialog import SheetExportDialog
from studio.ui.viewmodels.character_sheet import NO_MODEL, CharacterSheetViewModel
from tests.fakes import FAKE_MODEL, ScriptedEngine
from tests.ui.conftest import TIMEOUT

BUILTIN = replace(
    FAKE_MODEL,
    id="builtin-vae",
    name="Built-in VAE",
    family=ModelFamily.BUILTIN,
    source=ModelSource.BUILTIN,
    edits=("variation",),
)
RECIPE = {"prompt": "a knight in red", "negative_prompt": "blurry", "seed": 41}
WRIST = KEYPOINT_NAMES.index("right_wrist")


def _knight() -> np.ndarray:
    pixels = np.zeros((32, 32, 3), dtype=np.uint8)
    pixels[6:28, 10:22] = (210, 40, 30)
    return pixels


def _vm(models=(FAKE_MODEL,), model_id: str = "") -> CharacterSheetViewModel:
    return CharacterSheetViewModel(7, encode_png(_knight()), RECIPE, models, model_id)


# -- the view-model --------------------------------------------------------------------------


def test_the_request_has_the_entry_as_reference_its_prompt_seed_and_every_pose() -> None:
    vm = _vm()
    assert (vm.prompt, vm.negative_prompt, vm.refusal) == ("a knight in red", "blurry", "")
    walk = builtin_sequence("walk")
    assert (vm.frame_count, vm.fps) == (len(walk.poses), walk.fps)
    vm.fps = 12.0
    request = vm.build_request()
    assert isinstance(request, CharacterSheetRequest)
    assert request.sequence.poses == walk.poses and request.sequence.fps == 12.0
    generation = request.generation
    assert (generation.prompt, generation.negative_prompt, generation.seed) == (
        "a knight in red",
        "blurry",
        41,
    )
    assert generation.model == FAKE_MODEL.id and generation.batch_count == 1
    (reference,) = generation.references
    assert reference.source == "#7" and reference.image is not None
    np.testing.assert_array_equal(load_pixels(reference.image, mode="RGB"), _knight())


def test_frames_on_the_entrys_own_model_keep_its_size_steps_cfg_and_sampler() -> None:
    made = {"model": FAKE_MODEL.id, "width": 96, "height": 128, "steps": 9, "cfg_scale": 3.5}
    recipe = {**RECIPE, **made, "sampler": "Euler a"}
    vm = CharacterSheetViewModel(7, encode_png(_knight()), recipe, (FAKE_MODEL, BUILTIN))
    generation = vm.build_request().generation
    assert (generation.width, generation.height, generation.steps) == (96, 128, 9)
    assert (generation.cfg_scale, generation.sampler) == (3.5, "Euler a")
    other = replace(FAKE_MODEL, id="other-sd", name="Other SD")
    vm = CharacterSheetViewModel(7, encode_png(_knight()), recipe, (other,))
    generation = vm.build_request().generation  # another model: its own defaults
    assert (generation.width, generation.steps) != (96, 9)


@pytest.mark.parametrize(
    ("recipe", "transparency", "fields"),
    [
        ({"transparent_background": True, "transparent": "native"}, "native", (True, "native")),
        ({"transparent_background": True}, "matte", (True, None)),
        ({}, "", (False, None)),
    ],
)
def test_the_frames_of_a_transparent_entry_are_made_transparent_the_same_way(
    recipe, transparency, fields
) -> None:
    # Seen under Xvfb: a sheet on a native-transparent sprite made opaque frames.
    vm = CharacterSheetViewModel(7, encode_png(_knight()), {**RECIPE, **recipe}, (FAKE_MODEL,))
    assert (vm.transparency, vm.transparent) == (transparency, bool(transparency))
    generation = vm.build_request().generation
    assert (generation.transparent_background, generation.transparent) == fields
    vm.transparent = False  # the dialog's box, unticked
    generation = vm.build_request().generation
    assert (generation.transparent_background, generation.transparent) == (False, None)


def test_another_sequence_brings_its_poses_and_fps_and_an_edited_pose_is_kept() -> None:
    vm = _vm()
    vm.choose_sequence("run")
    run = builtin_sequence("run")
    assert (vm.frame_count, vm.fps, vm.sequence_name) == (len(run.poses), run.fps, "run")
    edited = run.poses[2].moved("right_wrist", 0.1, 0.2)
    vm.set_pose(2, edited)
    assert vm.build_request().sequence.poses[2] == edited
    assert vm.frame_names() == tuple(f"run_{n}" for n in range(len(run.poses)))
    with pytest.raises(InvalidRequestError, match="no pose sequence"):
        vm.choose_sequence("dance")


def test_a_built_in_model_is_refused_in_the_engines_own_line_before_make() -> None:
    vm = _vm((BUILTIN, FAKE_MODEL), BUILTIN.id)
    assert vm.refusal == BUILTIN_REFUSAL
    with pytest.raises(InvalidRequestError, match="Built-in models cannot take poses"):
        vm.build_request()
    vm.model = FAKE_MODEL.id
    assert vm.refusal == ""
    assert _vm(()).refusal == NO_MODEL


def test_frames_can_be_exported_only_when_every_pose_has_one() -> None:
    vm = _vm()
    vm.choose_sequence("idle")
    vm.running = True
    for entry_id in range(vm.frame_count):
        vm.add_frame(entry_id + 1)
    assert not vm.can_export()  # still running
    vm.running = False
    assert vm.can_export()
    vm.frames = vm.frames[:-1]
    assert not vm.can_export()


# -- the window ------------------------------------------------------------------------------


class SheetEngine(ScriptedEngine):
    """Scripted generation, one frame per pose of a character sheet (as the engine does);
    ``hold_frame`` stops before that frame until ``resume`` is set."""

    hold_frame: int | None = None

    def run(self, request, on_progress, cancel):
        if not isinstance(request, CharacterSheetRequest):
            yield from super().run(request, on_progress, cancel)
            return
        self.requests.append(request)
        frame = replace(request.generation, batch_count=1)
        for number, _pose in enumerate(request.sequence.poses):
            if number == self.hold_frame:
                self.paused.set()
                self.resume.wait(timeout=30)  # a guard against a hung test, not a delay
            for image in super().run(frame, on_progress, cancel):
                yield replace(image, index=number)


@pytest.fixture
def sheet_engine() -> SheetEngine:
    return SheetEngine([FAKE_MODEL, BUILTIN])


@pytest.fixture
def sheet_window(make_window, sheet_engine):
    return make_window(sheet_engine)


def _add(window) -> int:
    pixels = _knight()
    entry = window.document.add_image(
        kind="import", png=encode_png(pixels), thumbnail=make_thumbnail(pixels),
        width=32, height=32, prompt="the history's own prompt",
        recipe={"request": dict(RECIPE), "model_name": "Fake SD"},
    )  # fmt: skip
    window.history.reload()
    return entry.id


def _dialog(qtbot, window) -> CharacterSheetDialog:
    qtbot.waitUntil(lambda: window.findChild(CharacterSheetDialog) is not None, timeout=TIMEOUT)
    dialog = window.findChild(CharacterSheetDialog)
    qtbot.addWidget(dialog)
    return dialog


def test_the_image_menu_opens_it_on_the_current_entry_with_its_shortcut(qtbot, sheet_window):
    window = sheet_window
    entry_id = _add(window)
    window.history.show_entry(entry_id)
    action = window.menu_actions.character_sheet
    image_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Image")
    assert action in image_menu.actions() and action.shortcut().toString() == "Ctrl+Alt+C"
    action.trigger()
    dialog = _dialog(qtbot, window)
    assert dialog.view_model.entry_id == entry_id
    assert dialog.prompt_edit.toPlainText() == "a knight in red"
    assert dialog.negative_edit.toPlainText() == "blurry"
    assert not dialog.thumbnail.pixmap().isNull()
    assert dialog.frames_label.text().startswith(f"{len(builtin_sequence('walk').poses)} frames")
    assert not dialog.refusal_label.isVisible() and dialog.make_button.isEnabled()


def test_the_transparent_box_shows_only_for_a_transparent_entry(qtbot, sheet_window):
    window = sheet_window
    plain = window.sheets.dialog_for(_add(window), window)
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.transparent_check.isVisible()
    pixels = _knight()
    entry = window.document.add_image(
        kind="import", png=encode_png(pixels), thumbnail=make_thumbnail(pixels),
        width=32, height=32, prompt="a knight",
        recipe={"request": {**RECIPE, "transparent_background": True, "transparent": "native"}},
    )  # fmt: skip
    dialog = window.sheets.dialog_for(entry.id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.transparent_check
    assert box.isVisible() and box.isChecked() and "native" in box.text()
    box.click()
    assert dialog.view_model.build_request().generation.transparent is None


def test_an_entry_without_a_request_in_its_recipe_takes_the_entrys_prompt(qtbot, sheet_window):
    window = sheet_window
    pixels = _knight()
    entry = window.document.add_image(
        kind="import", png=encode_png(pixels), thumbnail=make_thumbnail(pixels),
        width=32, height=32, prompt="an imported knight", recipe={},
    )  # fmt: skip
    dialog = window.sheets.dialog_for(entry.id, window)
    qtbot.addWidget(dialog)
    assert dialog.view_model.prompt == "an imported knight" and dialog.view_model.seed is None


def test_a_built_in_model_says_why_in_one_line_and_make_stays_off(qtbot, sheet_window):
    window = sheet_window
    entry_id = _add(window)
    menu = window.history_panel.context_menu(window.document.entry(entry_id))
    next(a for a in menu.actions() if a.text() == "Character Sheet…").trigger()
    dialog = _dialog(qtbot, window)
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData(BUILTIN.id))
    assert dialog.refusal_label.text() == BUILTIN_REFUSAL and "\n" not in BUILTIN_REFUSAL
    assert dialog.refusal_label.isVisible() and not dialog.make_button.isEnabled()
    assert window.sheets.make(dialog) is None  # nothing submitted, the line is said
    assert dialog.message.text() == BUILTIN_REFUSAL


def _made(qtbot, window, entry_id: int) -> CharacterSheetDialog:
    dialog = window.sheets.dialog_for(entry_id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _pick(dialog: CharacterSheetDialog, name: str) -> None:
    dialog.sequence_combo.setCurrentIndex(dialog.sequence_combo.findData(name))
    dialog.sequence_combo.activated.emit(dialog.sequence_combo.currentIndex())


def test_make_runs_one_job_with_the_edited_pose_and_every_frame_enters_the_history(
    qtbot, sheet_window, sheet_engine
):
    window = sheet_window
    dialog = _made(qtbot, window, _add(window))
    _pick(dialog, "idle")
    dialog.fps_spin.setValue(6.0)
    dialog.pose_spin.setValue(2)  # the second frame
    editor = dialog.pose_editor.editor
    start = editor.point_at(WRIST).toPoint()
    target = QPoint(start.x() + 20, start.y() - 30)
    qtbot.mousePress(editor, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(editor, target)
    qtbot.mouseRelease(editor, Qt.MouseButton.LeftButton, pos=target)
    idle = builtin_sequence("idle")
    before = len(window.document.entries())
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        dialog.make_button.click()
    (request,) = [r for r in sheet_engine.requests if isinstance(r, CharacterSheetRequest)]
    assert request.sequence.fps == 6.0 and len(request.sequence.poses) == len(idle.poses)
    assert request.sequence.poses[0] == idle.poses[0]
    moved = request.sequence.poses[1].points[WRIST]
    assert moved != idle.poses[1].points[WRIST]  # the drag reached the job
    assert request.sequence.poses[1].points[:WRIST] == idle.poses[1].points[:WRIST]
    assert request.generation.seed == RECIPE["seed"]
    vm = dialog.view_model
    assert len(window.document.entries()) == before + len(idle.poses)
    assert len(vm.frames) == len(idle.poses) and vm.can_export()
    assert dialog.export_button.isEnabled() and dialog.message.text().startswith("Done")
    assert window.history.current_entry_id == vm.frames[-1]


def test_export_sheet_hands_the_frames_on_as_the_named_animation_at_its_fps(qtbot, sheet_window):
    window = sheet_window
    dialog = _made(qtbot, window, _add(window))
    _pick(dialog, "idle")
    dialog.fps_spin.setValue(5.0)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        dialog.make_button.click()
    sheet = window.sheets.export(dialog)
    qtbot.addWidget(sheet)
    assert isinstance(sheet, SheetExportDialog)
    names = [f"idle_{n}" for n in range(len(builtin_sequence("idle").poses))]
    assert [item.text() for item in sheet.checked_items()] == names
    (animation,) = sheet.animation_list()
    assert (animation.name, tuple(animation.frames), animation.fps) == ("idle", tuple(names), 5.0)
    assert sheet.view_model.name == "idle"
    assert sheet.sheet is not None and len(sheet.sheet.animations) == 1


def test_cancel_stops_the_job_and_keeps_the_frames_made(qtbot, sheet_window, sheet_engine):
    window = sheet_window
    dialog = _made(qtbot, window, _add(window))
    sheet_engine.hold_frame = 2
    before = len(window.document.entries())
    dialog.make_button.click()
    vm = dialog.view_model
    qtbot.waitUntil(lambda: len(vm.frames) == 2, timeout=TIMEOUT)
    assert dialog.cancel_button.isEnabled() and not dialog.make_button.isEnabled()
    with qtbot.waitSignal(window.facade.cancelled, timeout=TIMEOUT):
        dialog.cancel_button.click()
        sheet_engine.resume.set()
    assert not vm.running and not vm.can_export() and not dialog.export_button.isEnabled()
    assert len(vm.frames) == 2 and len(window.document.entries()) == before + 2
    assert dialog.message.text() == "Cancelled: 2 of 8 frames kept in the history."


def test_a_dialog_closed_while_its_job_runs_goes_once_the_job_ends(qtbot, sheet_window):
    window = sheet_window
    dialog = _made(qtbot, window, _add(window))
    _pick(dialog, "idle")
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        dialog.make_button.click()
        dialog.close_button.click()  # the job goes on; its frames still reach the history
    assert len(dialog.view_model.frames) == len(builtin_sequence("idle").poses)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=TIMEOUT)
    other = _made(qtbot, window, _add(window))
    other.close_button.click()
    qtbot.waitUntil(lambda: not shiboken6.isValid(other), timeout=TIMEOUT)


def test_closing_while_a_sheet_runs_counts_the_frames_still_to_make(
    qtbot, sheet_window, sheet_engine
):
    window = sheet_window
    dialog = _made(qtbot, window, _add(window))
    sheet_engine.hold_frame = 2
    dialog.make_button.click()
    qtbot.waitUntil(lambda: len(dialog.view_model.frames) == 2, timeout=TIMEOUT)
    # The job is the dialog's, yet closing now would drop its six frames to come.
    assert window.close_guard.unfinished_work() == "6 images to make (a job is running)"
    with qtbot.waitSignal(window.facade.cancelled, timeout=TIMEOUT):
        dialog.cancel_button.click()
        sheet_engine.resume.set()
    assert window.close_guard.unfinished_work() == ""


def test_a_sheets_export_is_named_after_its_animation_and_the_next_export_is_not(
    qtbot, sheet_window, tmp_path
):
    window = sheet_window
    dialog = _made(qtbot, window, _add(window))
    _pick(dialog, "idle")
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        dialog.make_button.click()
    sheet = window.sheets.export(dialog)
    qtbot.addWidget(sheet)
    with qtbot.waitSignal(sheet.export_ended, timeout=TIMEOUT) as ended:
        sheet.export_to(tmp_path)
    assert ended.args[0] == "finished" and (tmp_path / "idle.png").is_file()
    later = window.game.sheet_dialog(list(dialog.view_model.frames), window)
    qtbot.addWidget(later)
    assert later.view_model.name == "sheet"  # the ordinary export's own name
    assert later.view_model.folder == str(tmp_path)  # what it does remember
