"""One writer per engine format; each turns a PackedSheet into ``{file name: bytes}``."""
