"""``studio bench style``: our torch port against onnxruntime on the package's own models.

Both run the 26-style network on the same image (the shipped sample, scaled to each size) with
the same style, in one process, on the CPU with their default thread counts (or a given
number for both). After a warm-up, the two are timed alternately so a change in machine load
hits both alike, each after a pause that lets the other's idle threads stop spinning (see
:data:`SETTLE_S`); the median and the min-max of the runs are reported. Our time is the whole
:func:`~studio.engine.style.fast.stylize_image` call as a job makes it (numpy in, numpy out,
padding included, threads limited to idle cores); onnxruntime's is one ``session.run`` on an
array already padded and laid out for it. onnxruntime is imported here only.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import torch
from PIL import Image

from studio.bench.machine import progress, spread_warnings, timing_summary
from studio.bench.timing import interleaved_runs
from studio.domain.errors import InvalidRequestError
from studio.engine.style.compose import to_float
from studio.engine.style.fast import stylize_image
from studio.engine.style.paths import package_models_dir, sample_image_path
from studio.engine.style.weights import NETWORKS, load_network

BENCH_PRESET = 19
# onnxruntime's worker threads keep spinning on the cores for a while after a run (its default,
# which makes back-to-back calls fast), and so do OpenMP's after torch's. Timed right after the
# other, either implementation shares the cores with those spinning threads: on two cores our
# 512 px time rose from 0.13 s to 0.19 s that way. Each timed run therefore starts after a
# short untimed pause in which the other's threads go idle, as they are in the app.
SETTLE_S = 0.1


def _bench_image(size: int) -> np.ndarray:
    with Image.open(sample_image_path()) as image:
        resized = image.convert("RGB").resize((size, size), Image.Resampling.LANCZOS)
    return to_float(np.asarray(resized))


def bench_style(
    sizes: tuple[int, ...] = (512, 1024),
    repeats: int = 5,
    warmup: int = 1,
    threads: int | None = None,
) -> list[dict[str, Any]]:
    """Time the multi-style network in torch (ours) and in onnxruntime at each size.

    Parameters
    ----------
    sizes
        Square image sides, multiples of 4.
    repeats, warmup
        Timed and untimed runs of each implementation, alternated.
    threads
        Intra-op threads for both (``None``: each library's default, as an app would run).

    Returns
    -------
    list of dict
        One row per size: ``size``, ``repeats``, ``ours_s`` and ``onnxruntime_s`` (each the
        median, min, max and spread of the timed runs), ``ratio`` (median ours over median
        onnxruntime; below 1 means we are faster), ``threads``, ``max_abs_diff`` (largest
        difference between the two outputs, on a 0-1 scale) and ``warnings`` (spreads over
        20 %).
    """
    if any(size < 32 or size % 4 for size in sizes):
        raise InvalidRequestError("Benchmark sizes must be multiples of 4 from 32, like 512,1024.")
    previous_threads = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        return _bench(sizes, repeats, warmup, threads)
    finally:
        torch.set_num_threads(previous_threads)


def _bench(
    sizes: tuple[int, ...], repeats: int, warmup: int, threads: int | None
) -> list[dict[str, Any]]:
    import onnxruntime as ort

    progress("style: loading the torch network and the onnxruntime session")
    device = torch.device("cpu")
    network = load_network("multistyle", device)
    weights = torch.zeros(len(network.contract[0].gamma))
    weights[BENCH_PRESET] = 1.0
    with torch.inference_mode():
        affine = network.condition(weights)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    if threads is not None:
        options.intra_op_num_threads = threads
    session = ort.InferenceSession(
        str(package_models_dir() / NETWORKS["multistyle"].onnx_file),
        options,
        providers=["CPUExecutionProvider"],
    )
    rows = []
    for size in sizes:
        image = _bench_image(size)
        feed = {
            "image": np.ascontiguousarray(image.transpose(2, 0, 1)[None]),
            "style_weights": weights.numpy(),
        }

        def ours(image: np.ndarray = image) -> np.ndarray:
            return stylize_image(network, affine, image, device, threading.Event())

        def theirs(feed: dict[str, np.ndarray] = feed) -> np.ndarray:
            return session.run(None, feed)[0]

        progress(f"style: {size} px: checking that both compute the same image")
        difference = float(np.abs(ours() - theirs()[0].transpose(1, 2, 0)).max())

        def report(pair: int, pairs: int, ours_s: float, theirs_s: float, size: int = size) -> None:
            progress(
                f"style: {size} px: run {pair}/{pairs}: "
                f"torch {ours_s:.3f} s, onnxruntime {theirs_s:.3f} s"
            )

        ours_times, theirs_times = interleaved_runs(
            ours, theirs, repeats, warmup, SETTLE_S, on_pair=report
        )
        ours_s, theirs_s = timing_summary(ours_times, 6), timing_summary(theirs_times, 6)
        rows.append(
            {
                "size": size,
                "repeats": len(ours_times),
                "ours_s": ours_s,
                "onnxruntime_s": theirs_s,
                "ratio": round(ours_s["median"] / theirs_s["median"], 3),
                "threads": "default" if threads is None else threads,
                "max_abs_diff": difference,
                "warnings": spread_warnings(
                    {f"torch at {size} px": ours_s, f"onnxruntime at {size} px": theirs_s}
                ),
            }
        )
    return rows
