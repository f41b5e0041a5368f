import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertAllowedUrl, hubEndpoint, resolveUrl } from '../../../electron/engine/models/endpoint.js';
import { normalizeEtag } from '../../../electron/engine/models/integrity.js';
import { defaultDataDir, hubModelDir } from '../../../electron/engine/models/paths.js';
import { findModel, findRegistryFile, loadRegistry, registryFile } from '../../../electron/engine/models/registry.js';

describe('resources/models.json', () => {
  it('parses, and its default is the ViT-B/16 in21k export with a trained pooler', async () => {
    const registry = await loadRegistry(findRegistryFile());
    const model = findModel(registry, 'default');
    expect(model).toMatchObject({ repo: 'Xenova/vit-base-patch16-224-in21k', output: 'pooler_output', hiddenShape: [1, 197, 768] });
    expect(registryFile(model, 'q8').path).toBe('onnx/model_quantized.onnx');
    expect(registryFile(findModel(registry, 'clip-vit-b32'), 'fp32').path).toBe('onnx/vision_model.onnx');
    expect(findModel(registry, 'DINOV2-SMALL').id).toBe('Xenova/dinov2-small');
    expect(() => findModel(registry, 'google/vit-base-patch16-224')).toThrow(/unknown model/);
    expect(() => findModel(registry, 'google/vit-base-patch16-224')).toThrow(expect.objectContaining({ code: 'not-found' }));
    for (const m of registry.models) expect(Object.keys(m.verified)).toEqual(expect.arrayContaining(['repo', 'revision', 'files']));
  });

  it('rejects a malformed registry with the offending field named', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lookalike-reg-'));
    const file = path.join(dir, 'models.json');
    await writeFile(file, JSON.stringify({ schema: 1, default: 'x', models: [{ id: 'x', repo: 'not a repo' }] }));
    await expect(loadRegistry(file)).rejects.toThrow(/invalid model registry .*repo/s);
    await rm(dir, { recursive: true });
  });
});

describe('endpoint rules', () => {
  it.each([
    ['https://huggingface.co', true],
    ['http://127.0.0.1:8080', true],
    ['http://127.5.6.7', true],
    ['http://localhost:3000', true],
    ['http://[::1]:3000', true],
    ['http://hf-mirror.example.com', false],
    ['http://128.0.0.1', false],
    ['ftp://huggingface.co', false],
  ])('%s allowed: %s', (url, allowed) => {
    if (allowed) expect(() => assertAllowedUrl(url)).not.toThrow();
    else expect(() => assertAllowedUrl(url)).toThrow(/only https:\/\/ is allowed/);
  });

  it('reads HF_ENDPOINT like huggingface_hub and builds resolve URLs', () => {
    expect(hubEndpoint({})).toBe('https://huggingface.co');
    expect(hubEndpoint({ HF_ENDPOINT: 'https://hf-mirror.com/' })).toBe('https://hf-mirror.com');
    expect(() => hubEndpoint({ HF_ENDPOINT: 'http://hf-mirror.com' })).toThrow(/Check HF_ENDPOINT/);
    expect(resolveUrl('https://h', 'a/b', 'main', 'onnx/model.onnx')).toBe('https://h/a/b/resolve/main/onnx/model.onnx');
  });

  it('normalises etags as huggingface_hub does', () => {
    expect(normalizeEtag('W/"abc"')).toBe('abc');
    expect(normalizeEtag('"abc"')).toBe('abc');
    expect(normalizeEtag(null)).toBeNull();
  });
});

describe('data folder', () => {
  it('follows XDG_DATA_HOME, else ~/.local/share', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x/data', HOME: '/home/u' })).toBe('/x/data/lookalike');
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.local/share/lookalike');
    expect(defaultDataDir({ HOME: '/home/u' })).toBe('/home/u/.local/share/lookalike');
  });

  it('keeps repo and revision from escaping the models folder', () => {
    expect(hubModelDir('/d', 'a/b', 'main')).toBe('/d/models/a/b/main');
    expect(() => hubModelDir('/d', '../x/b', 'main')).toThrow(/invalid repository/);
    expect(() => hubModelDir('/d', 'a/b', '..')).toThrow(/invalid revision/);
    expect(() => hubModelDir('/d', 'a/b', '..')).toThrow(expect.objectContaining({ code: 'invalid-request' }));
  });
});
