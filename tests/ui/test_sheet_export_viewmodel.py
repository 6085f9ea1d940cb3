"""The sheet export view-model: remembered choices, packing options, and the form bound to it."""

from __future__ import annotations

from studio.ui.sheet_export_form import SheetExportForm
from studio.ui.viewmodels.sheet_export import DEFAULT_ENGINES, SheetExportViewModel


def test_settings_round_trip_through_a_new_view_model(qtbot) -> None:
    vm = SheetExportViewModel()
    vm.engines, vm.layout, vm.columns, vm.trim, vm.folder = ("aseprite",), "grid", 3, True, "/x"
    other = SheetExportViewModel()
    other.restore(vm.settings())
    assert other.settings() == vm.settings()
    assert other.settings()["engines"] == ["aseprite"]  # plain JSON for the project file


def test_a_damaged_remembered_value_gets_its_default(qtbot) -> None:
    vm = SheetExportViewModel()
    vm.restore({"padding": "lots", "trim": "yes", "engines": [1, 2], "scale": 4, "name": None})
    assert (vm.padding, vm.trim, vm.engines) == (1, False, DEFAULT_ENGINES)
    assert vm.scale == 4 and vm.file_name() == "sheet"


def test_a_grid_gets_the_rows_its_columns_need(qtbot) -> None:
    vm = SheetExportViewModel()
    vm.layout, vm.columns, vm.padding = "grid", 3, 2
    options = vm.options(frame_count=7)
    assert options.grid == (3, 3) and options.padding == 2
    vm.layout = "maxrects"
    assert vm.options(frame_count=7).grid is None


def test_the_form_is_bound_to_the_view_model(qtbot) -> None:
    form = SheetExportForm()
    qtbot.addWidget(form)
    vm = form.view_model
    assert all(form.engine_boxes[key].isChecked() for key in DEFAULT_ENGINES)
    form.engine_boxes["aseprite"].setChecked(True)
    form.trim.setChecked(True)
    vm.scale = 4
    assert "aseprite" in vm.engines and vm.trim and form.scale.currentData() == 4
    vm.restore({"engines": ["unity"]})
    assert [k for k, box in form.engine_boxes.items() if box.isChecked()] == ["unity"]
