"""ComfyUI ``prompt`` graphs as ComfyUI writes them (API format), for recipe tests."""

from __future__ import annotations

# ComfyUI's default text-to-image graph, with a LoRA and a combined positive conditioning.
DEFAULT_GRAPH = {
    "3": {
        "class_type": "KSampler",
        "inputs": {
            "seed": 156680208700286,
            "steps": 20,
            "cfg": 8,
            "sampler_name": "dpmpp_2m",
            "scheduler": "karras",
            "denoise": 1,
            "model": ["10", 0],
            "positive": ["11", 0],
            "negative": ["7", 0],
            "latent_image": ["5", 0],
        },
    },
    "4": {
        "class_type": "CheckpointLoaderSimple",
        "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"},
    },
    "5": {
        "class_type": "EmptyLatentImage",
        "inputs": {"width": 512, "height": 768, "batch_size": 1},
    },
    "6": {
        "class_type": "CLIPTextEncode",
        "inputs": {"text": "beautiful scenery, glass bottle landscape", "clip": ["10", 1]},
    },
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "text, watermark", "clip": ["10", 1]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}},
    "10": {
        "class_type": "LoraLoader",
        "inputs": {
            "lora_name": "pixel-art.safetensors",
            "strength_model": 1,
            "strength_clip": 1,
            "model": ["4", 0],
            "clip": ["4", 1],
        },
    },
    "11": {
        "class_type": "ConditioningCombine",
        "inputs": {"conditioning_1": ["6", 0], "conditioning_2": ["12", 0]},
    },
    "12": {"class_type": "CLIPTextEncode", "inputs": {"text": ["13", 0], "clip": ["10", 1]}},
    "13": {"class_type": "String Literal", "inputs": {"string": "purple galaxy"}},
}

# A hires-fix graph: the second pass (node 2, listed first) upscales the first pass's latent.
HIRES_GRAPH = {
    "2": {
        "class_type": "KSampler",
        "inputs": {
            "seed": 7,
            "steps": 12,
            "cfg": 5,
            "sampler_name": "euler",
            "scheduler": "normal",
            "denoise": 0.5,
            "model": ["4", 0],
            "positive": ["6", 0],
            "negative": ["7", 0],
            "latent_image": ["9", 0],
        },
    },
    "3": {
        "class_type": "KSamplerAdvanced",
        "inputs": {
            "noise_seed": 42,
            "steps": 30,
            "cfg": 6.5,
            "sampler_name": "euler_ancestral",
            "scheduler": "normal",
            "add_noise": "enable",
            "model": ["4", 0],
            "positive": ["6", 0],
            "negative": ["7", 0],
            "latent_image": ["5", 0],
        },
    },
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 1024}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox", "clip": ["4", 1]}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["4", 1]}},
    "9": {
        "class_type": "LatentUpscaleBy",
        "inputs": {"samples": ["3", 0], "upscale_method": "nearest-exact", "scale_by": 1.5},
    },
}
