"""Plain, frozen data shared by every layer. Imports nothing else from Studio."""
