"""A process that writes a project, run under strace so it can be killed at its Nth write.

``python project_writer.py PATH saved|untitled FIRST COUNT``: opens (or, for ``untitled``,
adopts through the recovery lock) the project at PATH and adds COUNT images made from seeds
FIRST, FIRST+1, ..., printing ``COMMITTED seed`` after each commit returns.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from studio.project.store import ProjectStore  # noqa: E402
from studio.project.untitled_lock import UntitledLock  # noqa: E402
from tests.project.conftest import add_image  # noqa: E402


def main() -> int:
    path, mode, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    lease = UntitledLock.acquire(Path(path), existing=True) if mode == "untitled" else None
    store = ProjectStore.open(path, lease=lease)
    for seed in range(first, first + count):
        add_image(store, seed)
        print(f"COMMITTED {seed}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
