"""Static scan of a pickle for the imports it would perform, without running it.

``torch.load(weights_only=True)`` already refuses anything but tensors; this scan only explains
*why* a file was refused. It walks the opcodes with :mod:`pickletools` (which never executes
them) and collects the ``module.name`` globals the pickle asks for. A global outside torch's
weights-only allowlist means the file carries code ("convert it"); none means the file is
simply broken ("download it again").
"""

from __future__ import annotations

import io
import pickletools
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import IO

_STRING_OPCODES = frozenset(
    {
        "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE",
        "SHORT_BINSTRING", "BINSTRING", "STRING",
    }
)  # fmt: skip
_GET_OPCODES = frozenset({"GET", "BINGET", "LONG_BINGET"})
_PUT_OPCODES = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})
_MAX_PICKLES = 4  # the legacy torch format stacks a few pickles before the raw tensor bytes
_SAFE_PREFIXES = ("torch._utils._rebuild_",)


def find_unsafe_globals(path: Path | str) -> list[str]:
    """Names of the globals in ``path``'s pickle(s) that torch's safe loader would refuse.

    Parameters
    ----------
    path
        A zip-format torch checkpoint (its ``data.pkl`` is scanned) or a legacy/plain pickle.

    Returns
    -------
    list of str
        ``module.name`` strings in the order found, e.g. ``["posix.system"]``; empty when the
        file asks for nothing unusual or cannot be parsed at all.
    """
    allowed = _allowed_globals()
    return [name for name in _globals_in(Path(path)) if not _is_allowed(name, allowed)]


def _globals_in(path: Path) -> list[str]:
    found: list[str] = []
    try:
        for stream in _pickle_streams(path):
            with stream:
                found.extend(_scan_stream(stream))
    except (OSError, zipfile.BadZipFile, RuntimeError):
        pass
    return list(dict.fromkeys(found))


def _pickle_streams(path: Path) -> Iterator[IO[bytes]]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".pkl"):
                    yield io.BytesIO(archive.read(member))
        return
    yield path.open("rb")


def _scan_stream(stream: IO[bytes]) -> list[str]:
    names: list[str] = []
    for _ in range(_MAX_PICKLES):
        try:
            names.extend(_scan_one_pickle(stream))
        except Exception:
            break
    return names


def _scan_one_pickle(stream: IO[bytes]) -> list[str]:
    names: list[str] = []
    pushed: list[str | None] = []  # recent pushes; only strings matter for STACK_GLOBAL
    memo: dict[int, str | None] = {}
    for opcode, arg, _pos in pickletools.genops(stream):
        name = opcode.name
        if name in ("GLOBAL", "INST"):
            names.append(str(arg).replace(" ", ".", 1))
            pushed.append(None)
        elif name == "STACK_GLOBAL":
            module, attr = pushed[-2:] if len(pushed) >= 2 else (None, None)
            names.append(f"{module}.{attr}" if module and attr else "<unknown>.<unknown>")
            pushed.append(None)
        elif name in _STRING_OPCODES:
            pushed.append(str(arg))
        elif name in _PUT_OPCODES:
            memo[int(arg)] = pushed[-1] if pushed else None
        elif name == "MEMOIZE":
            memo[len(memo)] = pushed[-1] if pushed else None
        elif name in _GET_OPCODES:
            pushed.append(memo.get(int(arg)))
        elif name == "STOP":
            break
        else:
            pushed.append(None)
        del pushed[:-8]
    return names


@cache
def _allowed_globals() -> frozenset[str]:
    try:
        import torch.serialization
        from torch._weights_only_unpickler import _get_allowed_globals
    except ImportError:
        return frozenset({"collections.OrderedDict", "builtins.set", "torch.Size"})
    allowed = set(_get_allowed_globals())
    for obj in torch.serialization.get_safe_globals():
        target = obj[0] if isinstance(obj, tuple) else obj
        allowed.add(f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', '')}")
    return frozenset(allowed)


def _is_allowed(name: str, allowed: frozenset[str]) -> bool:
    return name in allowed or name.startswith(_SAFE_PREFIXES)
