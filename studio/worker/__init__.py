"""The worker: a GPU lane, a CPU lane and their GUI-thread facade. QtCore only, no torch."""
