"""Models by kind in the folders of the artist's other tools (A1111/Forge, ComfyUI, InvokeAI).

``classify`` tells a file's kind and base family from its tensor names, ``pickle_keys`` and
``upscaler_keys`` read those names without running anything, ``layouts`` knows where each tool
keeps each kind, ``files`` describes one file, ``scan`` walks an added folder and
``user_paths`` lists every path the user added.
"""
