"""Markdown tables for the model card and the evaluation reports (``models/README.md``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def markdown_table(
    header: Sequence[str], rows: Iterable[Sequence[str]], align: str = ""
) -> list[str]:
    """The lines of a GitHub Markdown table.

    Parameters
    ----------
    header
        Column titles.
    rows
        The cells of each row, already formatted, one per column.
    align
        ``"l"`` or ``"r"`` per column (``"lrr"``); empty leaves every column to the renderer.
    """
    rules = ["---:" if side == "r" else "---" for side in align or "l" * len(header)]
    lines = [_row(header), "|" + "|".join(rules) + "|"]
    lines += [_row(cells) for cells in rows]
    return lines


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"
