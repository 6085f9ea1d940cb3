"""Qt widgets: main window, prompt panel, canvas, history. Never imports torch or the engine."""
