"""The one Markdown table writer of the model card and the evaluation reports."""

from __future__ import annotations

from studio.train.markdown import markdown_table


def test_a_table_has_its_header_rule_and_one_line_per_row() -> None:
    lines = markdown_table(("model", "FID"), [("tiny", "1.50"), ("big", "")], align="lr")
    assert lines == ["| model | FID |", "|---|---:|", "| tiny | 1.50 |", "| big |  |"]


def test_without_an_alignment_every_column_is_left_to_the_renderer() -> None:
    assert markdown_table(("a", "b", "c"), []) == ["| a | b | c |", "|---|---|---|"]
