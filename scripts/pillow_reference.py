#!/usr/bin/python3
"""Reference pixel_values the way Hugging Face's image-feature-extraction pipeline makes them.

It re-implements, with Pillow and numpy only (no transformers install), the steps of transformers'
`load_image` (PIL open, ImageOps.exif_transpose, convert('RGB')) followed by ViTImageProcessor /
CLIPImageProcessor / BitImageProcessor.preprocess: resize with the configured Pillow filter, optional centre
crop with HF's rounding, rescale in float64 cast to float32, normalise in float32, channels first.

Usage:
  pillow_reference.py --out DIR [--config preprocessor_config.json] [--rgb] IMAGE...

For the i-th IMAGE it writes DIR/i.f32 (pixel_values, float32 little-endian, [3,H,W]) when --config is
given, and DIR/i.rgb (the decoded 8-bit RGB, row-major HWC) when --rgb is given. It prints a JSON list with,
per image: path, ok, error (when not ok), width and height of the decoded image, and shape of the tensor.
"""
import argparse
import json
import math
import os
import re
import sys

import numpy as np
from PIL import Image, ImageOps

OPENAI_CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
IMAGENET_STANDARD_MEAN = [0.5, 0.5, 0.5]
IMAGENET_STANDARD_STD = [0.5, 0.5, 0.5]

# Constructor defaults of the HF classes (transformers' image_processing_{vit,clip,bit}.py).
VIT_DEFAULTS = dict(do_resize=True, size={'height': 224, 'width': 224}, resample=2, do_center_crop=False,
                    crop_size=None, do_rescale=True, rescale_factor=1 / 255, do_normalize=True,
                    image_mean=IMAGENET_STANDARD_MEAN, image_std=IMAGENET_STANDARD_STD)
CLIP_DEFAULTS = dict(do_resize=True, size={'shortest_edge': 224}, resample=3, do_center_crop=True,
                     crop_size={'height': 224, 'width': 224}, do_rescale=True, rescale_factor=1 / 255,
                     do_normalize=True, image_mean=OPENAI_CLIP_MEAN, image_std=OPENAI_CLIP_STD)
FAMILIES = {
    'ViTImageProcessor': (VIT_DEFAULTS, True), 'ViTFeatureExtractor': (VIT_DEFAULTS, True),
    'CLIPImageProcessor': (CLIP_DEFAULTS, False), 'CLIPFeatureExtractor': (CLIP_DEFAULTS, False),
    'BitImageProcessor': (CLIP_DEFAULTS, False),
}


def size_dict(size, default_to_square):
    """transformers.image_processing_utils.get_size_dict for the forms these processors accept."""
    if isinstance(size, dict):
        return size
    if isinstance(size, int):
        return {'height': size, 'width': size} if default_to_square else {'shortest_edge': size}
    if isinstance(size, (list, tuple)) and len(size) == 2:
        return {'height': size[0], 'width': size[1]}
    raise ValueError(f'unsupported size {size!r}')


def load_config(path):
    with open(path) as f:
        raw = json.load(f)
    kind = raw.get('image_processor_type') or raw.get('feature_extractor_type') or 'ViTImageProcessor'
    defaults, square = FAMILIES[kind]
    cfg = {k: raw[k] if raw.get(k) is not None else v for k, v in defaults.items()}
    if kind.startswith('ViT'):
        cfg['do_center_crop'] = False
    cfg['size'] = size_dict(cfg['size'], square)
    if cfg['crop_size'] is not None:
        cfg['crop_size'] = size_dict(cfg['crop_size'], True)
    return cfg


def output_size(width, height, size):
    """transformers.image_transforms.get_resize_output_image_size, returned as (height, width)."""
    if 'height' in size:
        return size['height'], size['width']
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = size['shortest_edge'], int(size['shortest_edge'] * long / short)
    return (new_long, new_short) if width <= height else (new_short, new_long)


def center_crop(arr, crop_h, crop_w):
    """transformers.image_transforms.center_crop on an HWC array, zero padding included."""
    orig_h, orig_w = arr.shape[:2]
    top = (orig_h - crop_h) // 2
    left = (orig_w - crop_w) // 2
    bottom, right = top + crop_h, left + crop_w
    if top >= 0 and bottom <= orig_h and left >= 0 and right <= orig_w:
        return arr[top:bottom, left:right]
    new_h, new_w = max(crop_h, orig_h), max(crop_w, orig_w)
    padded = np.zeros((new_h, new_w) + arr.shape[2:], dtype=arr.dtype)
    top_pad = math.ceil((new_h - orig_h) / 2)
    left_pad = math.ceil((new_w - orig_w) / 2)
    padded[top_pad:top_pad + orig_h, left_pad:left_pad + orig_w] = arr
    top, bottom, left, right = top + top_pad, bottom + top_pad, left + left_pad, right + left_pad
    return padded[max(0, top):min(new_h, bottom), max(0, left):min(new_w, right)]


def pixel_values(img, cfg):
    if cfg['do_resize']:
        h, w = output_size(img.width, img.height, cfg['size'])
        img = img.resize((w, h), resample=cfg['resample'])
    arr = np.asarray(img)
    if cfg['do_center_crop']:
        arr = center_crop(arr, cfg['crop_size']['height'], cfg['crop_size']['width'])
    if cfg['do_rescale']:
        arr = (arr.astype(np.float64) * cfg['rescale_factor']).astype(np.float32)
    if cfg['do_normalize']:
        arr = arr.astype(np.float32) if arr.dtype != np.float32 else arr
        mean = np.array(cfg['image_mean'], dtype=np.float32)
        std = np.array(cfg['image_std'], dtype=np.float32)
        arr = (arr - mean) / std
    return np.ascontiguousarray(arr.astype(np.float32).transpose(2, 0, 1))


XMP_ORIENTATION = re.compile(rb'tiff:Orientation(="|>)([0-9])')


def load_image(path):
    """transformers.image_utils.load_image for a local path, as current Pillow (>= 11) runs it.

    Debian 12's Pillow 9.4 differs from current Pillow in three ways that are Pillow bugs, fixed later; both
    are emulated here so the reference is what users of transformers get today:
    - TIFF: 9.4's loader applies the Orientation tag while loading and exif_transpose applies it again
      (current Pillow applies it once, in the loader);
    - a 16-bit grey PNG with tRNS (mode I) makes 9.4's convert('RGB') raise; current Pillow converts it;
    - XMP: 9.4 reads tiff:Orientation from PNG's XMP only; current Pillow also reads JPEG's and WebP's.
    """
    img = Image.open(path)
    if img.format == 'TIFF':
        img.load()  # load_end has turned the image by its Orientation tag: exif_transpose must not again
        return img.convert('RGB')
    exif = img.getexif()
    if 0x0112 not in exif:
        xmp = img.info.get('xmp') or next((v for k, v in getattr(img, 'applist', [])
                                           if k == 'APP1' and v.startswith(b'http://ns.adobe.com/xap/1.0/')), None)
        match = XMP_ORIENTATION.search(xmp) if xmp else None
        if match:
            exif[0x0112] = int(match[2])
    img = ImageOps.exif_transpose(img)
    if img.mode == 'I' and isinstance(img.info.get('transparency'), int):
        del img.info['transparency']  # 9.4 crashes converting a 16-bit grey PNG with tRNS; it changes no pixel
    return img.convert('RGB')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', required=True)
    parser.add_argument('--config')
    parser.add_argument('--rgb', action='store_true')
    parser.add_argument('images', nargs='+')
    args = parser.parse_args()
    cfg = load_config(args.config) if args.config else None
    os.makedirs(args.out, exist_ok=True)
    results = []
    for i, path in enumerate(args.images):
        try:
            img = load_image(path)
            entry = {'path': path, 'ok': True, 'width': img.width, 'height': img.height}
            if args.rgb:
                np.asarray(img, dtype=np.uint8).tofile(os.path.join(args.out, f'{i}.rgb'))
            if cfg is not None:
                values = pixel_values(img, cfg)
                values.astype('<f4').tofile(os.path.join(args.out, f'{i}.f32'))
                entry['shape'] = list(values.shape)
        except Exception as exc:  # one bad file must not stop the batch
            entry = {'path': path, 'ok': False, 'error': f'{type(exc).__name__}: {exc}'}
        results.append(entry)
    json.dump(results, sys.stdout)


if __name__ == '__main__':
    main()
