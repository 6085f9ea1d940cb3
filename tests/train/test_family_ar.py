"""The autoregressive family trains in two stages; both losses fall."""

from __future__ import annotations

import statistics


def test_vq_then_transformer_losses_fall(model_loss_curve) -> None:
    logs = model_loss_curve("ar", steps=60)  # the first 30% of steps train the VQ
    vq = [row for row in logs if "vq" in row]
    prior = [row for row in logs if "ce" in row]
    assert len(vq) == 18 and len(prior) == 42
    assert statistics.fmean(r["l1"] for r in vq[-4:]) < 0.8 * statistics.fmean(
        r["l1"] for r in vq[:4]
    )
    assert statistics.fmean(r["ce"] for r in prior[-5:]) < 0.85 * statistics.fmean(
        r["ce"] for r in prior[:5]
    )
