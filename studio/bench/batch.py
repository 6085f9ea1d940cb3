"""``studio bench batch``: images per second of one batch locally and through Ray (1, 2, 4 actors).

Every run makes the same items into a fresh temporary folder, so commits (PNG + manifest line)
are counted too. The local run uses an engine warmed by one untimed image; each Ray run
includes starting its actors and loading their models, which is what a user waits for.
"""

from __future__ import annotations

import tempfile
import time
from functools import partial
from pathlib import Path

from studio.cli.batch_progress import BatchPrinter
from studio.domain.batch_items import BatchItem, build_items
from studio.domain.batch_spec import SpecContext, parse_spec
from studio.ops.batch.folder_output import FolderOutput
from studio.ops.batch.runner import LocalExecutor, run_batch


def bench_items(count: int, model_info) -> list[BatchItem]:
    """``count`` items of the template ``sprite {1|2|...|count}`` at the model's size."""
    width, height = model_info.default_size
    defaults = {"model": model_info.id, "width": width, "height": height}
    template = "sprite {" + "|".join(str(i) for i in range(1, count + 1)) + "}"
    return build_items(parse_spec(template, "template", SpecContext(defaults, 0)), 0)


def bench_batch(count: int, actor_counts: tuple[int, ...], model: str = "") -> list[dict]:
    """One row per run: ``{"run", "actors", "images", "seconds", "images_per_s"}``."""
    from studio.engine.service import EngineService
    from studio.project.settings import load_engine_settings

    settings, _warning = load_engine_settings()
    engine = EngineService(settings, device_preference="cpu")
    rows = []
    try:
        info = engine.resolve_model(model)
        items = bench_items(count, info)
        next(iter(engine.run(items[0].request, lambda _u: None, _never())))  # warm, untimed
        rows.append(_timed("local", 1, items, LocalExecutor(engine)))
    finally:
        engine.close()
    if actor_counts:
        import ray

        from studio.cli.engine import open_engine
        from studio.ops.batch.ray import RayExecutor

        ray.init(num_cpus=max(actor_counts), include_dashboard=False, log_to_driver=False)
        try:
            for actors in actor_counts:
                rows.append(
                    _timed(
                        "ray",
                        actors,
                        items,
                        RayExecutor("auto", partial(open_engine, "bench"), actors=actors),
                    )
                )
        finally:
            ray.shutdown()
    return rows


def _timed(run: str, actors: int, items: list[BatchItem], executor) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with BatchPrinter(show_commits=False) as printer:
            report = run_batch(
                items, FolderOutput(Path(folder) / "out"), executor, 0, events=printer
            )
        seconds = time.perf_counter() - started
    return {
        "run": run,
        "actors": actors,
        "images": report.made,
        "seconds": round(seconds, 3),
        "images_per_s": round(report.made / seconds, 3),
    }


def _never():
    import threading

    return threading.Event()
