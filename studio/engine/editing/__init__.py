"""Engine side of canvas edits: seamless tiling, variation noise, inpaint blending."""
