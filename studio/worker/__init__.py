"""The inference thread and its GUI-thread facade. QtCore only: no widgets, no torch."""
