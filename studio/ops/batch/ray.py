"""The batch on a Ray cluster: a Ray Dataset of items through a pool of model-holding actors.

Ray's own recipe for batch inference: ``Dataset.map_batches`` with a callable class, so each
actor loads the model once in its constructor and keeps it for every item it is given; one
actor per GPU (``num_gpus=1``), or ``--actors N`` single-CPU actors on CPU nodes, in a
fixed-size ``ActorPoolStrategy``. Results
stream back to the driver as actors finish, in any order, and the driver commits them (the
project file and the folder live on the driver's disk). Ray Data restarts an actor whose
process dies and hands its unfinished item to a live one; the driver keeps the first copy of an
item it sees, so a retry never makes a duplicate.

``ray`` is imported only here, and this module only when ``--ray`` is given.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from studio.domain.batch_items import BatchItem
from studio.domain.engine_protocol import EngineProtocol
from studio.domain.errors import InvalidRequestError, ModelNotFoundError, StudioError
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.ops.batch.events import Outcome
from studio.ops.batch.ray_rows import (
    REQUEST_COLUMNS,
    request_from_row,
    request_row,
    unit_images,
    with_unit_images,
)

# Builds an actor's engine on its node from a device name. A face hands in a module-level
# function (Ray pickles it by reference), so this layer never imports the engine itself.
EngineFactory = Callable[[str], EngineProtocol]

MISSING_MODEL = "missing-model"
# Every column keeps one type (Arrow needs it), so a failed item fills in empty values.
_EMPTY_RESULT: dict[str, object] = {
    "error": "",
    "error_kind": "",
    "pixels": b"",
    "shape": "[]",
    "request": "{}",
    "model_name": "",
    "model_hash": "",
    "elapsed_s": 0.0,
    "warnings": "[]",
    "extra": "{}",
}


class RayExecutor:
    """Runs items on Ray; ``address`` is ``"auto"`` (a running cluster, else a local one)."""

    def __init__(
        self,
        address: str,
        engine_factory: EngineFactory,
        *,
        actors: int | None = None,
        device: str = "auto",
    ) -> None:
        try:
            import ray
        except ImportError:
            raise InvalidRequestError(
                "--ray needs Ray on this machine: pip install 'studio[ray]' (or 'ray[data]')."
            ) from None
        self._started_here = False
        self._quiet = RayLogRouting()
        self._quiet.route_core()
        try:
            if not ray.is_initialized():
                # configure_logging=False: Ray would put its stderr handler back on "ray".
                ray.init(
                    address=None if address == "auto" else address,
                    log_to_driver=False,
                    configure_logging=False,
                )
                self._started_here = True
            self._quiet.route_data()  # after init: a local cluster's workers keep Ray's own
        except BaseException:
            self._quiet.restore()
            raise
        self._actors = actors
        self._device = device
        self._engine_factory = engine_factory

    def close(self) -> None:
        import ray

        try:
            if self._started_here and ray.is_initialized():
                ray.shutdown()
        finally:
            self._quiet.restore()

    def pool(self) -> tuple[int, dict[str, float]]:
        """How many actors, and what each asks of its node."""
        import ray

        gpus = int(ray.cluster_resources().get("GPU", 0))
        if gpus and self._device in ("auto", "cuda"):
            return (self._actors or gpus), {"num_gpus": 1}
        nodes = sum(1 for node in ray.nodes() if node.get("Alive"))
        return (self._actors or max(1, nodes)), {"num_cpus": 1}

    def run(self, items: Sequence[BatchItem], cancel: threading.Event) -> Iterator[Outcome]:
        if not items:
            return
        import ray.data

        by_id = {item.id: item for item in items}
        rows = [{"id": item.id, **request_row(item.request)} for item in items]
        actors, resources = self.pool()
        device = (
            "cuda"
            if "num_gpus" in resources
            else ("cpu" if self._device == "auto" else self._device)
        )
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            StudioActor,
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=actors),
            fn_constructor_kwargs={"device": device, "engine_factory": self._engine_factory},
            num_cpus=resources.get("num_cpus"),  # None is Ray's own default
            num_gpus=resources.get("num_gpus"),
        )
        for row in dataset.iter_rows():
            if cancel.is_set():
                return
            item = by_id[str(row["id"])]
            if row["error_kind"] == MISSING_MODEL:
                raise ModelNotFoundError(str(row["error"]))
            if row["error"]:
                yield Outcome(item, error=str(row["error"]), worker=str(row["worker"]))
                continue
            yield Outcome(item, _image_from_row(row, item), worker=str(row["worker"]))


class StudioActor:
    """One Ray actor: a warm Studio engine on one device, one item per call."""

    def __init__(self, device: str, engine_factory: EngineFactory) -> None:
        import os
        import socket

        import ray

        self._engine = engine_factory(device)
        node = ray.util.get_node_ip_address()
        self._node = f"{socket.gethostname()} ({node})"
        self._worker = f"node {node} pid {os.getpid()}"

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list]:
        out: dict[str, list] = {key: [] for key in ("id", "worker", *_EMPTY_RESULT)}
        for index, item_id in enumerate(batch["id"]):
            result = self._one({name: batch[name][index] for name in REQUEST_COLUMNS})
            out["id"].append(str(item_id))
            out["worker"].append(self._worker)
            for key in out:
                if key not in ("id", "worker"):
                    out[key].append(result.get(key, _EMPTY_RESULT[key]))
        return out

    def _one(self, row: dict[str, object]) -> dict[str, object]:
        request = request_from_row(row)
        cancel = threading.Event()
        try:
            image = next(iter(self._engine.run(request, lambda _update: None, cancel)))
        except ModelNotFoundError:
            return {
                "error_kind": MISSING_MODEL,
                "error": f"Model {request.model!r} is not on Ray node {self._node}: put it at the "
                "same path there (or in that node's Studio models folder), then --resume.",
            }
        except StudioError as exc:
            return {"error_kind": "failed", "error": f"{exc} (on {self._worker})"}
        pixels = np.ascontiguousarray(image.pixels, dtype=np.uint8)
        return {
            "error": "",
            "error_kind": "",
            "pixels": pixels.tobytes(),
            "shape": json.dumps(list(pixels.shape)),
            "request": json.dumps(image.request.to_dict()),
            "model_name": image.model_name,
            "model_hash": image.model_hash,
            "elapsed_s": float(image.elapsed_s),
            "warnings": json.dumps(list(image.warnings)),
            "extra": json.dumps(image.extra, default=str),
        }


class RayLogRouting:
    """Ray's and Ray Data's log records go to Studio's log file, not the terminal.

    Ray puts a stderr handler on the ``ray`` logger when imported, and Ray Data re-creates its
    own console handler on ``ray.data`` each time a dataset runs, from a logging config it reads
    from ``RAY_DATA_LOGGING_CONFIG`` when that is set. Both are routed to the root logger, where
    Studio's error log (installed by the CLI boundary) keeps them; the terminal keeps Studio's
    one progress bar. Everything is put back by :meth:`restore`.
    """

    # No handlers and propagation on: records reach the root logger, whatever it holds.
    _DATA_CONFIG = (
        "version: 1\n"
        "disable_existing_loggers: false\n"
        "loggers:\n"
        "  ray.data:\n"
        "    level: INFO\n"
        "    propagate: true\n"
    )

    def __init__(self) -> None:
        self._saved: list[tuple[logging.Logger, list[logging.Handler], bool]] = []
        self._folder: str | None = None
        self._environment: str | None = None
        self._context: dict[str, object] = {}

    def route_core(self) -> None:
        """Detach the terminal handlers of the ``ray`` logger (before ``ray.init`` logs)."""
        for name in ("ray", "ray.data"):
            logger = logging.getLogger(name)
            self._saved.append((logger, list(logger.handlers), logger.propagate))
            for handler in list(logger.handlers):
                if _writes_to_terminal(handler):
                    logger.removeHandler(handler)
            logger.propagate = True

    def route_data(self) -> None:
        """Point Ray Data's logging config at one without a console, and its bars off."""
        import os
        import tempfile

        import ray.data

        self._folder = tempfile.mkdtemp(prefix="studio-ray-")
        config = os.path.join(self._folder, "ray-data-logging.yaml")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(self._DATA_CONFIG)
        self._environment = os.environ.get(_RAY_DATA_CONFIG)
        os.environ[_RAY_DATA_CONFIG] = config
        from ray.data._internal.logging import configure_logging

        configure_logging()  # now, too: importing ray.data already added its console
        context = ray.data.DataContext.get_current()
        for name in _QUIET_CONTEXT:
            self._context[name] = getattr(context, name)
            setattr(context, name, False)

    def restore(self) -> None:
        """Put Ray's logging and Ray Data's settings back as they were."""
        import os
        import shutil

        for logger, handlers, propagate in reversed(self._saved):
            for handler in handlers:
                if handler not in logger.handlers:
                    logger.addHandler(handler)
            logger.propagate = propagate
        self._saved = []
        if self._folder is not None:
            if self._environment is None:
                os.environ.pop(_RAY_DATA_CONFIG, None)
            else:
                os.environ[_RAY_DATA_CONFIG] = self._environment
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        if self._context:
            import ray.data

            context = ray.data.DataContext.get_current()
            for name, value in self._context.items():
                setattr(context, name, value)
            self._context = {}


_RAY_DATA_CONFIG = "RAY_DATA_LOGGING_CONFIG"
_QUIET_CONTEXT = (
    "enable_progress_bars",
    "enable_operator_progress_bars",
    "print_on_execution_start",
)


def _writes_to_terminal(handler: logging.Handler) -> bool:
    # Ray's console handlers are StreamHandlers that look up sys.stderr as they emit; a
    # FileHandler (a StreamHandler too) writes to a file and may stay.
    return isinstance(handler, logging.StreamHandler) and not isinstance(
        handler, logging.FileHandler
    )


def _image_from_row(row: dict, item: BatchItem) -> GeneratedImage:
    shape = tuple(json.loads(str(row["shape"])))
    pixels = np.frombuffer(bytes(row["pixels"]), dtype=np.uint8).reshape(shape).copy()
    # The recipe keeps each image's digest: the images go back where the actor dropped them.
    request = GenerationRequest.from_dict(
        json.loads(str(row["request"])),
        init_image=item.request.init_image,
        mask_image=item.request.mask_image,
    )
    request = with_unit_images(request, unit_images(item.request))
    return GeneratedImage(
        request=request,
        pixels=pixels,
        model_name=str(row["model_name"]),
        model_hash=str(row["model_hash"]),
        elapsed_s=float(row["elapsed_s"]),
        warnings=tuple(json.loads(str(row["warnings"]))),
        extra=json.loads(str(row["extra"])),
    )
