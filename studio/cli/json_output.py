"""JSON on stdout that a terminal cannot be driven by (RELIABILITY 25).

``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but writes DEL, the 8-bit CSI
(``\\x9b``) and the other C1 controls raw; the stdout wrapper would then show them as ``\\x9b``,
which is not valid JSON. Every ``--json`` of these commands prints through :func:`print_json`,
so the document stays valid, parses to the same values and holds no control byte.
"""

from __future__ import annotations

import json
import sys

from studio.domain.terminal_text import json_terminal_safe


def print_json(data: object) -> None:
    """Print ``data`` as indented JSON, non-ASCII text kept readable and controls escaped."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    print(json_terminal_safe(text), file=sys.stdout)
