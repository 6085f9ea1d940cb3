"""The items of a batch: one image each, a stable id from its request, a seed from that id.

An item's id hashes what it asks for (prompt, model, size, steps... without the seed) and how
many identical items came before it, so the same spec always gives the same ids. Its seed
mixes the batch seed with that id: an item gets the same seed whether it runs first or last,
locally or on the fifth Ray actor, in one go or resumed after a kill. Rows that name their
own seed keep it (``seed + i`` for the ``i``-th image of a ``batch_count``, the A1111 rule).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from studio.domain.request_limits import MAX_SEED
from studio.domain.requests import GenerationRequest

ITEM_ID_LENGTH = 16


@dataclass(frozen=True)
class BatchDraft:
    """A request as the spec wrote it, before ids and seeds: ``origin`` says where from."""

    request: GenerationRequest
    origin: str


@dataclass(frozen=True)
class BatchItem:
    """One image of a batch.

    Parameters
    ----------
    id
        Stable hex id; the key by which a resumed batch knows what is done.
    request
        The request with its seed fixed and ``batch_count`` 1.
    origin
        Where in the spec it came from (``"potions.csv, line 4"``), for messages.
    """

    id: str
    request: GenerationRequest
    origin: str = ""


def derive_seed(batch_seed: int, item_id: str) -> int:
    """The seed of item ``item_id`` in a batch seeded with ``batch_seed``."""
    digest = hashlib.sha256(f"{batch_seed}:{item_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % (MAX_SEED + 1)


def build_items(drafts: Iterable[BatchDraft], batch_seed: int) -> list[BatchItem]:
    """Turn drafts into items, one per image, each with its id and seed.

    A draft with ``batch_count`` n gives n items. Identical drafts are told apart by how many
    came before them, so duplicates in a spec are kept as separate images, with their own seeds.
    """
    seen: Counter[str] = Counter()
    items: list[BatchItem] = []
    for draft in drafts:
        request = draft.request
        for index in range(request.batch_count):
            key = _identity(request, index)
            occurrence = seen[key]
            seen[key] += 1
            item_id = hashlib.sha256(f"{key}#{occurrence}".encode()).hexdigest()[:ITEM_ID_LENGTH]
            if request.seed is not None:
                seed = request.seed_for(index)
            else:
                seed = derive_seed(batch_seed, item_id)
            one = replace(request, seed=seed, batch_count=1)
            items.append(BatchItem(item_id, one, draft.origin))
    return items


def _identity(request: GenerationRequest, index: int) -> str:
    data = request.to_dict()
    data.pop("batch_count")
    data.pop("schema")
    seed = data.pop("seed")
    # A seed the spec chose is part of what the item is; a derived one is not.
    data["fixed_seed"] = None if seed is None else request.seed_for(index)
    return json.dumps(data, sort_keys=True, ensure_ascii=True)
