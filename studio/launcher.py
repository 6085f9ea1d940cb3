"""Entry point of the ``studio`` command: the GUI or a command-line tool.

``studio`` and ``studio PROJECT.studio`` open the window; ``studio generate ...`` and the other
subcommands never import Qt. Only this top-level module knows both, so neither the CLI nor the
GUI depends on the other.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from studio.process_tuning import tune_process

# Before torch's first allocation: large CPU activations get huge pages and are reused.
tune_process()


def wants_gui(args: Sequence[str]) -> bool:
    """Whether the arguments ask for the window rather than a subcommand."""
    from studio.cli import SUBCOMMANDS

    if not args:
        return True
    first = args[0]
    if first in SUBCOMMANDS or first.startswith("-"):
        return False
    return len(args) == 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``studio`` with ``argv`` (defaults to ``sys.argv[1:]``) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["bench"]:
        # Benchmarks measure the window and the engine, so they live above both the GUI and the CLI.
        from studio.bench.cli import main as bench_main

        return bench_main(args[1:])
    if wants_gui(args):
        from studio.qt_preflight import check_qt_platform, explain

        # Qt aborts the process with a misleading message when its platform plugin cannot
        # load; asking first lets us name the missing system packages instead.
        platform = check_qt_platform()
        if not platform.ok:
            print(explain(platform), file=sys.stderr)
            return 3
        from studio.app import run_app

        return run_app(project_path=args[0] if args else None)
    from studio.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
