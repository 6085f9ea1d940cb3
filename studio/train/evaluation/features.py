"""Perceptual features of sprites: EfficientNet-Lite0's pooled 1280-d penultimate layer.

The network and its packaged ImageNet weights come from :mod:`studio.engine.efficientnet`, so
nothing is downloaded.

Sprites have alpha and the network does not, so every image (real or generated, the same way)
is composited on a fixed mid-grey (128) background: black silhouettes (game icons) and white
details (eyes, highlights) both stay visible, which neither a white nor a black background
allows. The composite is then resized to the network's 224 px with bilinear interpolation and
normalised as the TensorFlow Lite models were trained ((x - 127) / 128), which on ImageNet
photos here classified better than the torchvision mean/std.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

FEATURE_DIM = 1280
INPUT_SIZE = 224
BACKGROUND = 128
FEATURE_NAME = "efficientnet-lite0"
_BATCH = 64


def composite_on_grey(images: np.ndarray, background: int = BACKGROUND) -> np.ndarray:
    """uint8 ``(N, S, S, 4)`` straight RGBA (or ``(N, S, S, 3)``) -> float32 RGB in 0..255."""
    if images.shape[-1] == 3:
        return images.astype(np.float32)
    rgb = images[..., :3].astype(np.float32)
    alpha = images[..., 3:4].astype(np.float32) / 255.0
    return rgb * alpha + float(background) * (1.0 - alpha)


class FeatureExtractor:
    """EfficientNet-Lite0 without its classifier, in eval mode; see the module notes.

    Use :meth:`load`.
    """

    name = FEATURE_NAME
    dim = FEATURE_DIM

    def __init__(self, network, device: torch.device) -> None:
        self._network = network
        self.device = device

    @classmethod
    def load(cls, device: torch.device | str = "cpu") -> FeatureExtractor:
        """The packaged network on ``device``, ready to extract features."""
        import torch

        from studio.engine.efficientnet import efficientnet_lite0

        target = torch.device(device)
        return cls(efficientnet_lite0().to(target), target)

    def features(self, images: np.ndarray) -> np.ndarray:
        """``(N, 1280)`` float64 features of uint8 RGBA images of any square size."""
        import torch

        out = np.zeros((len(images), FEATURE_DIM), dtype=np.float64)
        for start in range(0, len(images), _BATCH):
            batch = composite_on_grey(np.asarray(images[start : start + _BATCH]))
            pixels = torch.from_numpy(batch).permute(0, 3, 1, 2).to(self.device)
            pixels = torch.nn.functional.interpolate(
                pixels, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False
            )
            with torch.inference_mode():
                maps = self._network.extract_features((pixels - 127.0) / 128.0)
                pooled = maps.mean(dim=(2, 3))
            out[start : start + len(batch)] = pooled.double().cpu().numpy()
        return out
