"""Studio: text-to-image and style transfer for artists, on their own machine."""

__version__ = "0.1.0"
