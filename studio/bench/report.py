"""What every ``studio bench`` command shares: its ``--json``/``--repeats`` options and its output.

Progress and warnings go to stderr, results to stdout: as one JSON object with the machine
the figures were taken on and every warning (``--json``), or as lines of text.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from studio.cli.command import Arg, Command, Group, arg, json_option

REPEATS = arg("--repeats", type=int, default=5)


def target(name: str, help: str, *args: Arg | Group, description: str | None = None) -> Command:
    """A timed benchmark: its own options, then ``--json`` (the rows with the machine)."""
    return Command(name, help, description, args=(*args, json_option(None)))


def numbers(option: str, text: str, example: str, *, blanks: bool = False) -> tuple[int, ...]:
    """Comma-separated whole numbers, or one line naming the option; with ``blanks`` empty
    parts are skipped (``--actors ''`` means no Ray runs)."""
    from studio.domain.errors import InvalidRequestError

    parts = [part for part in text.split(",") if part.strip()] if blanks else text.split(",")
    try:
        return tuple(int(part) for part in parts)
    except ValueError:
        raise InvalidRequestError(f"{option} {text!r} must be numbers like {example}") from None


def span(stats: dict[str, float], digits: int = 3) -> str:
    """``"0.123 s (0.120-0.131)"``: the median and the min-max of timed runs."""
    return f"{stats['median']:.{digits}f} s ({stats['min']:.{digits}f}-{stats['max']:.{digits}f})"


def tell_warnings(target: str, warnings: list[str]) -> None:
    """Each warning as one progress line on stderr, named by its benchmark."""
    from studio.bench.machine import progress

    for warning in warnings:
        progress(f"studio bench {target}: {warning}")


def print_json(args: argparse.Namespace, report: dict, warnings: list[str]) -> None:
    """``report`` with the machine it ran on and every warning (load first), as JSON."""
    from studio.bench.machine import machine_info

    all_warnings = [*getattr(args, "load_warnings", []), *warnings]
    print(json.dumps({**report, "machine": machine_info(), "warnings": all_warnings}))


def show_rows(
    args: argparse.Namespace, rows: list[dict], table: Callable[[list[dict]], list[str]]
) -> int:
    """Every row's warnings on stderr, then the rows on stdout: as one JSON object with the
    machine they ran on and every warning (``--json``), else as the lines of ``table``."""
    for row in rows:
        tell_warnings(args.target, row["warnings"])
    if args.json:
        print_json(args, {"rows": rows}, [warning for row in rows for warning in row["warnings"]])
    else:
        print("\n".join(table(rows)))
    return 0
