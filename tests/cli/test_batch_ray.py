"""The batch on a real local Ray cluster: the local run's pixels, a killed actor survived."""

from __future__ import annotations

import os
import re
import signal
from functools import partial

import numpy as np
import pytest

from studio.cli import main
from studio.domain.batch_items import build_items
from studio.domain.batch_spec import SpecContext, parse_spec
from studio.ops.batch.events import QuietEvents
from studio.ops.batch.outputs import open_output
from studio.ops.batch.runner import run_batch
from tests.cli.test_batch_cli import TEMPLATE, project_images

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow
# What Ray's Python handlers print: "2026-01-01 10:00:00,123\tINFO worker.py:2038 -- ..."
RAY_LOG_LINE = re.compile(r"\t(DEBUG|INFO|WARNING|ERROR) \S+\.py:\d+ -- ")


@pytest.fixture
def local_cluster(private_studio_dirs):
    # Started after the private folders are set, so the actors inherit them.
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_batch_matches_the_local_run_and_survives_a_killed_actor(
    tmp_path, capsys, local_cluster, one_thread
) -> None:
    local = tmp_path / "local.studio"
    assert main(["batch", TEMPLATE, "--seed", "9", "-o", str(local)]) == 0
    reference = project_images(local)

    # Through the CLI: two actors on the two CPUs.
    on_ray = tmp_path / "ray.studio"
    assert main(["batch", TEMPLATE, "--seed", "9", "-o", str(on_ray), "--ray", "auto"]) == 0
    err = capsys.readouterr().err
    assert "done: 6 made" in err
    # Ray's and Ray Data's own log lines go to Studio's log file; the terminal keeps one bar.
    assert not RAY_LOG_LINE.search(err), err
    _assert_same(project_images(on_ray), reference)

    # An actor process SIGKILLed as the first result lands: Ray restarts it, its item is redone.
    from studio.cli.engine import open_engine
    from studio.ops.batch.ray import RayExecutor

    context = SpecContext({"model": "builtin-vae", "width": 64, "height": 64}, 9)
    items = build_items(parse_spec(TEMPLATE, "template", context), 9)
    killed: list[int] = []

    class KillTheMaker(QuietEvents):
        def committed(self, outcome, where: str) -> None:
            if not killed:
                killed.append(int(outcome.worker.rsplit(" ", 1)[1]))
                os.kill(killed[0], signal.SIGKILL)

    output = open_output(tmp_path / "survived.studio")
    try:
        report = run_batch(
            items,
            output,
            RayExecutor("auto", partial(open_engine, "batch"), actors=2),
            9,
            events=KillTheMaker(),
        )
    finally:
        output.close()
    assert killed and report.made == 6 and not report.failed
    _assert_same(project_images(tmp_path / "survived.studio"), reference)


def test_a_model_missing_on_a_node_is_one_line_naming_the_node(
    tmp_path, capsys, local_cluster
) -> None:
    missing = tmp_path / "nowhere" / "model.safetensors"
    code = main(
        ["batch", "gem", "--model", str(missing), "-o", str(tmp_path / "o"), "--ray", "auto"]
    )
    err = capsys.readouterr().err
    assert code == 1
    line = next(line for line in err.splitlines() if line.startswith("studio batch: error"))
    assert "is not on Ray node" in line and ray.util.get_node_ip_address() in line


def _assert_same(found: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> None:
    assert sorted(found) == sorted(reference)
    for item, pixels in reference.items():
        np.testing.assert_array_equal(found[item], pixels)
