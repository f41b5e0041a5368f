import { describe, expect, it } from 'vitest';
import { parseProcessorConfig } from '../../../electron/engine/preprocess/processorConfig.js';
import { fixedTensorShape, planTensor } from '../../../electron/engine/preprocess/toTensor.js';
import type { ProcessorConfig } from '../../../electron/engine/types.js';

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

describe('parseProcessorConfig', () => {
  it('fills ViTImageProcessor defaults', () => {
    expect(parseProcessorConfig({ image_processor_type: 'ViTImageProcessor' })).toEqual({
      doConvertRgb: true, doResize: true, size: { height: 224, width: 224 }, resample: 2, doCenterCrop: false,
      cropSize: null, doRescale: true, rescaleFactor: 1 / 255, doNormalize: true,
      imageMean: [0.5, 0.5, 0.5], imageStd: [0.5, 0.5, 0.5],
    } satisfies ProcessorConfig);
  });

  it('fills CLIP and BitImageProcessor (DINOv2) defaults: shortest edge, bicubic, centre crop, CLIP mean', () => {
    for (const type of ['CLIPImageProcessor', 'BitImageProcessor']) {
      const cfg = parseProcessorConfig({ image_processor_type: type });
      expect(cfg.size).toEqual({ shortestEdge: 224 });
      expect(cfg.resample).toBe(3);
      expect(cfg.doCenterCrop).toBe(true);
      expect(cfg.cropSize).toEqual({ height: 224, width: 224 });
      expect(cfg.imageMean).toEqual(CLIP_MEAN);
      expect(cfg.imageStd).toEqual(CLIP_STD);
    }
  });

  it('reads legacy integer sizes the way each class does', () => {
    expect(parseProcessorConfig({ feature_extractor_type: 'ViTFeatureExtractor', size: 384 }).size)
      .toEqual({ height: 384, width: 384 });
    const clip = parseProcessorConfig({ feature_extractor_type: 'CLIPFeatureExtractor', size: 336, crop_size: 336 });
    expect(clip.size).toEqual({ shortestEdge: 336 });
    expect(clip.cropSize).toEqual({ height: 336, width: 336 });
    expect(parseProcessorConfig({ image_processor_type: 'ViTImageProcessor', size: [320, 240] }).size)
      .toEqual({ height: 320, width: 240 });
  });

  it('takes explicit values over defaults, and a single mean/std number for all channels', () => {
    const cfg = parseProcessorConfig({
      image_processor_type: 'BitImageProcessor', size: { shortest_edge: 256 }, resample: 1, do_center_crop: false,
      do_rescale: false, rescale_factor: 0.5, image_mean: 0.4, image_std: [1, 2, 3],
    });
    expect(cfg).toMatchObject({
      size: { shortestEdge: 256 }, resample: 1, doCenterCrop: false, cropSize: null, doRescale: false,
      rescaleFactor: 0.5, imageMean: [0.4, 0.4, 0.4], imageStd: [1, 2, 3],
    });
  });

  it('ignores do_center_crop for ViT, which has no crop step', () => {
    const cfg = parseProcessorConfig({ image_processor_type: 'ViTImageProcessor', do_center_crop: true, crop_size: 200 });
    expect(cfg.doCenterCrop).toBe(false);
    expect(cfg.cropSize).toBeNull();
  });

  it('infers the family when no class is named', () => {
    expect(parseProcessorConfig({ size: { shortest_edge: 256 } }).doCenterCrop).toBe(true);
    expect(parseProcessorConfig({ size: { height: 200, width: 300 } }).size).toEqual({ height: 200, width: 300 });
  });

  it.each([
    ['not an object', 'preprocessor', /invalid preprocessor_config.json/],
    ['a negative size', { size: -3 }, /invalid preprocessor_config.json[\s\S]*size/],
    ['an unknown filter', { resample: 9 }, /invalid preprocessor_config.json[\s\S]*resample/],
    ['a two-value mean', { image_mean: [0.5, 0.5] }, /invalid preprocessor_config.json[\s\S]*image_mean/],
    ['a zero std', { image_std: [0.5, 0, 0.5] }, /image_std has a 0/],
    ['an unknown processor', { image_processor_type: 'DetrImageProcessor' }, /unsupported image processor "DetrImageProcessor"/],
    ['a shortest edge for ViT', { image_processor_type: 'ViTImageProcessor', size: { shortest_edge: 224 } }, /needs size \{height, width\}/],
  ])('rejects %s with a clear error', (_name, json, message) => {
    expect(() => parseProcessorConfig(json)).toThrow(message);
    expect(() => parseProcessorConfig(json)).toThrow(expect.objectContaining({ code: 'invalid-request' }));
  });
});

describe('planTensor', () => {
  const clip = parseProcessorConfig({ image_processor_type: 'CLIPImageProcessor' });

  it('resizes the shortest edge with truncation and centre-crops with floor division', () => {
    // 451x300: long side int(224 * 451 / 300) = 336; crop left (336 - 224) // 2 = 56.
    expect(planTensor(451, 300, clip)).toMatchObject({
      resizeWidth: 336, resizeHeight: 224, outWidth: 224, outHeight: 224, window: { x: 56, y: 0, width: 224, height: 224 },
    });
    // Portrait 300x451 and an odd difference: 225 - 224 = 1 -> offset 0.
    expect(planTensor(300, 451, clip).resizeHeight).toBe(336);
    expect(planTensor(300, 301, clip).window).toEqual({ x: 0, y: 0, width: 224, height: 224 });
  });

  it('pads a crop larger than the image the way HF does (negative offset, floor)', () => {
    const cfg = parseProcessorConfig({ image_processor_type: 'CLIPImageProcessor', size: 50, crop_size: { height: 64, width: 81 } });
    const plan = planTensor(100, 50, cfg);
    expect(plan).toMatchObject({ resizeWidth: 100, resizeHeight: 50, offsetX: 9, offsetY: -7 });
    expect(plan.window).toEqual({ x: 9, y: 0, width: 81, height: 50 });
  });

  it('knows the batch shape when it does not depend on the image', () => {
    expect(fixedTensorShape(clip)).toEqual([3, 224, 224]);
    expect(fixedTensorShape(parseProcessorConfig({ image_processor_type: 'ViTImageProcessor', size: [320, 240] })))
      .toEqual([3, 320, 240]);
    expect(fixedTensorShape(parseProcessorConfig({ image_processor_type: 'CLIPImageProcessor', do_center_crop: false })))
      .toBeNull();
  });
});
