// The model precision choice in the built renderer (Debian's Chromium), on the real engine host with no fixed model
// folder: a first-run user gets a model from a local fake hub (the registry's pinned q8 file), then downloads the
// full-precision file from the precision list and the engine reloads on it, switches back to q8 with the keyboard,
// and sees fp16 disabled with its reason. The engine line says the precision actually running each time.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRECISION_MODEL_ID, startPrecisionHub, type PrecisionHub } from '../helpers/precisionHub.js';
import { startHarness, type Harness } from './harness.js';

const hasChromium = existsSync('/usr/bin/chromium');

describe.skipIf(!hasChromium)('model precision in Settings (Chromium, real engine)', () => {
  let h: Harness;
  let hub: PrecisionHub;
  let hubDir: string;

  beforeAll(async () => {
    hubDir = await mkdtemp(path.join(os.tmpdir(), 'lookalike-e2e-hub-'));
    hub = await startPrecisionHub(hubDir);
    h = await startHarness({ modelDir: null, engineEnv: hub.env });
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await hub?.stop();
    await rm(hubDir, { recursive: true, force: true });
  });

  it('gets q8, downloads and uses fp32 from the precision list, switches back by keyboard', async () => {
    const { page } = h;
    const engineLine = page.locator('main p.muted', { hasText: 'Engine:' });
    await page.getByRole('button', { name: 'Get a model' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    // The first download takes the registry's pick (q8, pinned) and makes it the model in use.
    const download = page.getByRole('button', { name: `Download ${PRECISION_MODEL_ID} (tiny-q8)` });
    await download.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => engineLine.textContent(), { timeout: 60_000 }).toMatch(/Engine: ready on cpu\s+· q8 \(8-bit, 1\.5–2\.3x faster on CPU\)/);

    // The download's rate is in bytes per second, not files.
    await expect.poll(() => page.getByRole('region', { name: /^Downloading .* progress$/ }).textContent()).toMatch(/Rate\s*[\d.]+ (B|KB|MB)\/s/);
    const precision = page.getByTestId('model-precision');
    await precision.scrollIntoViewIfNeeded();
    expect(await precision.getByRole('heading', { level: 3 }).textContent()).toBe(`Precision of ${PRECISION_MODEL_ID} (tiny-q8)`);
    expect(await precision.textContent()).toContain('within 0.2% of full precision');
    const fp16 = precision.getByRole('button', { name: /^Use fp16/ });
    expect(await fp16.isDisabled()).toBe(true);
    expect(await precision.textContent()).toMatch(/Not available: the model registry pins no checksum for its onnx\/model_fp16\.onnx/);
    await h.screenshot('settings-precision-q8');

    await precision.getByRole('button', { name: /^Download fp32 \(full precision\), .* and use it$/ }).click();
    await expect.poll(() => engineLine.textContent(), { timeout: 60_000 }).toMatch(/Engine: ready on cpu\s+· fp32 \(full precision\)/);
    await expect.poll(async () => (await h.handlers.listModels(undefined)).find((m) => m.id === PRECISION_MODEL_ID)?.dtype).toBe('fp32');
    await h.screenshot('settings-precision-fp32');

    const useQ8 = precision.getByRole('button', { name: /^Use q8/ });
    await useQ8.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => engineLine.textContent(), { timeout: 60_000 }).toMatch(/· q8 \(/);
    expect((await h.handlers.getStatus(undefined)).dtype).toBe('q8');
    // The sidebar's model line, on every view, says the same.
    await expect.poll(() => page.getByRole('status', { name: 'Engine status' }).textContent()).toMatch(/tiny-vit-q8\s*· q8\s*· cpu/);
    // The list follows once the models are read again (the engine line comes first, with the status event).
    await expect.poll(() => precision.getByRole('listitem').filter({ hasText: 'In use' }).textContent()).toMatch(/^q8 /);
  });
});
