// The unpacked Linux app that electron-builder makes from electron-builder.yml, built against a stand-in Electron
// (scripts/check-packaging.ts: the real Electron zip cannot be downloaded here): native code outside the asar, no
// other platform's binaries, the app inside, the fuses flipped. Needs dist/ (`npm test` builds it first).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildLinuxUnpacked,
  CHECK_IDS,
  checkLayout,
  expectedFuses,
  inspectLayout,
  isPlatformFilter,
  makeStandInElectron,
  smokeLoadExtracted,
  type BuildResult,
  type Check,
  type Layout,
} from '../../scripts/check-packaging.js';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };

describe('electron-builder.yml file lists', () => {
  it('has no top-level files list, and every platform lists the same app files besides its binary filters', async () => {
    const config = yaml.load(await readFile('electron-builder.yml', 'utf8')) as Record<string, { files?: string[] } | undefined>;
    // A top-level list would become a second file set next to the platform's, and the whole project would be packed.
    expect(config).not.toHaveProperty('files');
    const shared = (platform: string): string[] => (config[platform]?.files ?? []).filter((pattern) => !isPlatformFilter(pattern));
    expect(shared('linux')).toContain('dist/electron/**/*');
    expect(shared('win')).toEqual(shared('linux'));
    expect(shared('mac')).toEqual(shared('linux'));
  });
});

describe('the packaged Linux app (electron-builder --linux dir, stand-in Electron)', () => {
  let work: string;
  let build: BuildResult;
  let layout: Layout;
  let fuses: Record<number, string>;
  let checks: Check[];

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'lookalike-packaging-test-'));
    build = await buildLinuxUnpacked(await makeStandInElectron(path.join(work, 'electron-dist')), path.join(work, 'out'));
    layout = await inspectLayout(build.appOutDir);
    fuses = await expectedFuses();
    checks = checkLayout(layout, fuses);
  }, 180_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('runs exactly the layout checks listed', () => {
    expect(checks.map((check) => check.id)).toEqual([...CHECK_IDS]);
  });

  it.each(CHECK_IDS)('%s', (id) => {
    const check = checks.find((candidate) => candidate.id === id);
    expect(check?.ok, check?.detail).toBe(true);
  });

  it('renames the executable and has electron-builder run @electron/fuses on it', () => {
    expect(path.basename(layout.executable)).toBe('lookalike');
    expect(build.log).toMatch(/executing @electron\/fuses\s+electronPath=\S*linux-unpacked\/lookalike/);
  });

  it('keeps the app small: the asar holds code, not models or test data', () => {
    // 17 MB today; a misread files list packed 370 MB (a model cache, photos, sources).
    expect(layout.asarBytes).toBeLessThan(40e6);
    expect(layout.unpackedBytes).toBeLessThan(100e6);
  });

  it('loads sharp, onnxruntime, usearch, heic-decode, the registry and the engine from an extracted copy', async () => {
    const loaded = await smokeLoadExtracted(layout, path.join(work, 'extracted'));
    expect(loaded).toMatchObject({ ortTensor: [2, 2], usearchSize: 1, registry: 'resources/models.json', createEngine: 'function' });
    expect(loaded['sharpPng']).toBeGreaterThan(0);
    expect(loaded['models']).toBeGreaterThan(0);
  });

  it('the checks do fail on a layout that breaks them', () => {
    const sharpAddon = layout.archived.find((file) => file.path.endsWith('.node') && file.path.includes('@img/'));
    expect(sharpAddon).toBeDefined();
    const broken: Layout = {
      ...layout,
      archived: [
        ...layout.archived.map((file) => (file === sharpAddon ? { ...file, unpacked: false } : file)),
        { path: 'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime_binding.node', size: 1, unpacked: true },
        { path: 'test/fixtures/photos/a.jpg', size: 1, unpacked: false },
      ],
      unpackedOnDisk: layout.unpackedOnDisk.filter((file) => file !== sharpAddon?.path),
      fuses: { ...layout.fuses, 0: '1' },
    };
    const failed = checkLayout(broken, fuses).filter((check) => !check.ok).map((check) => check.id);
    expect(failed).toEqual([
      'no other platform or arch onnxruntime',
      'sharp addon and libvips unpacked',
      'every .node file unpacked',
      'no sources, tests or caches packed',
      'fuses flipped as configured',
    ]);
  });
});
