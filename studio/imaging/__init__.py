"""Image files without torch or Qt: safe decoding, PNG recipes, thumbnails, file names."""
