"""The long fuzzing run, outside pytest: ``python tests/hostile/fuzz_long.py --examples 20000``.

Runs the same properties as ``tests/hostile/test_fuzzing.py`` (see ``fuzz_properties``) with as
many examples as asked, prints a tally per property and exits 1 at the first finding, printing
the smallest failing input hypothesis found.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.hostile import fuzz_properties as props  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000, help="examples per property")
    args = parser.parse_args(argv)
    run = settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    import numpy as np

    from studio.imaging.png import encode_png

    base = encode_png(
        np.random.default_rng(3).integers(0, 256, (6, 5, 4), dtype=np.uint8),
        {"parameters": "a fox\nSteps: 3, Seed: 1"},
    )
    tallies: dict[str, collections.Counter] = {}

    @run
    @given(props.headers, props.raw_headers, props.header_lengths, props.data_sizes)
    def safetensors_header(header, raw, declared, data_size):
        outcome = props.check_safetensors_header(header, raw, declared, data_size)
        tallies.setdefault("safetensors_header", collections.Counter())[outcome] += 1

    @run
    @given(props.chunks, props.cuts)
    def png_text(extra, cut):
        outcome = props.check_png_text(props.png_with_chunks(base, extra, cut))
        tallies.setdefault("png_text", collections.Counter())[outcome] += 1

    for prop in (safetensors_header, png_text):
        started = time.perf_counter()
        try:
            prop()
        except Exception as exc:  # a finding: hypothesis has printed the minimal example
            print(f"FINDING in {prop.__name__}: {type(exc).__name__}: {exc}")
            return 1
        print(
            f"{prop.__name__}: {dict(tallies.get(prop.__name__, {}))} "
            f"in {time.perf_counter() - started:.1f} s"
        )
    print("no findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
