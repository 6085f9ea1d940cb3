"""Enlarging a sprite under the guidance of the bank icon it drew on (numpy only).

A retrieval-augmented model draws at 32 px with a bank icon as its reference, and the learnt
enlarger brings the sprite to 64 px. Detail finer than 32 px cannot come from either: the
model never saw it, the enlarger can only guess it. The bank also holds each icon at 64 px, so
the guided filter (He, Sun and Tang, "Guided Image Filtering", ECCV 2010) carries that detail
over: in every small window the output is a linear function of the icon, fitted to the
sprite. Where the two agree in shape, the sprite takes the icon's sharp edges and shading;
its colours stay the model's, because the fit is made per channel of the sprite; where the
model drew something the icon does not have, the fit is flat and the sprite's own pixels
remain (smoothed over the window).

The radius and regularisation were chosen on the tuning and paraphrased recognition prompts
(:mod:`studio.train.data.recognition_prompts`), never on the held-out ones.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter

from studio.engine.builtin.numpy_runtime.pixels import straight_to_premultiplied

# Window radius in output pixels (a 7 x 7 window at 64 px) and the regulariser eps: a
# smaller eps follows the icon more closely.
GUIDE_RADIUS = 3
GUIDE_EPS = 1e-3
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def guided_filter(
    source: np.ndarray,
    guide: np.ndarray,
    radius: int = GUIDE_RADIUS,
    eps: float = GUIDE_EPS,
    wrap: tuple[bool, bool] = (False, False),
) -> np.ndarray:
    """He et al.'s guided filter of a ``(H, W)`` float image by a ``(H, W)`` guide.

    ``wrap`` (x, y) treats an axis as periodic, so a seamless tile stays seamless.
    """
    modes = ("wrap" if wrap[1] else "nearest", "wrap" if wrap[0] else "nearest")

    def mean(x: np.ndarray) -> np.ndarray:
        return uniform_filter(x, size=2 * radius + 1, mode=modes)

    mean_guide, mean_source = mean(guide), mean(source)
    covariance = mean(guide * source) - mean_guide * mean_source
    variance = mean(guide * guide) - mean_guide * mean_guide
    slope = covariance / (variance + np.float32(eps))
    offset = mean_source - slope * mean_guide
    return mean(slope) * guide + mean(offset)


def guide_by_reference(
    sprite: np.ndarray, icon: np.ndarray, wrap: tuple[bool, bool] = (False, False)
) -> np.ndarray:
    """``sprite`` with the detail of ``icon``: both straight RGBA ``uint8`` of one size.

    Works in premultiplied RGBA: colour channels are guided by the icon's premultiplied
    luminance, alpha by its alpha. Returns straight RGBA ``uint8`` with RGB zeroed where alpha
    is 0 (the alpha is soft; cut it afterwards for crisp sprites).
    """
    if sprite.shape != icon.shape:
        raise ValueError(f"sprite {sprite.shape} and icon {icon.shape} differ in size")
    own, guide = straight_to_premultiplied(sprite), straight_to_premultiplied(icon)
    luminance = guide[..., :3] @ _LUMA
    channels = [
        guided_filter(own[..., c], luminance if c < 3 else guide[..., 3], wrap=wrap)
        for c in range(4)
    ]
    out = np.clip(np.stack(channels, axis=-1), 0.0, 1.0)
    alpha = out[..., 3:]
    rgb = np.where(alpha > 0, np.minimum(out[..., :3], alpha) / np.maximum(alpha, 1e-6), 0.0)
    rgba = np.round(np.concatenate([rgb, alpha], axis=-1) * 255.0).astype(np.uint8)
    rgba[..., :3][rgba[..., 3] == 0] = 0
    return rgba
