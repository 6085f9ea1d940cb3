"""Moved to :mod:`studio.ops.output`; re-exported for the commands that still import it here."""

from studio.ops.output import check_output_paths, reason, write_output  # noqa: F401
