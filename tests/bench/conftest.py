"""The benchmarks run on the same tiny models the engine tests build."""

from tests.engine.builtin.conftest import builtin_encoder, builtin_model_dirs
from tests.engine.conftest import _one_cpu_thread, sd1_backend, tiny_sd1_dir

__all__ = [
    "_one_cpu_thread",
    "builtin_encoder",
    "builtin_model_dirs",
    "sd1_backend",
    "tiny_sd1_dir",
]
