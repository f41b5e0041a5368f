// The packaged-shape app in a real Electron (Playwright's _electron): the window opens on our app page, the
// preload exposes exactly the contract, a call round-trips through main, and navigation away is refused.
// Electron is installed here without its binary (ELECTRON_SKIP_BINARY_DOWNLOAD), so this skips unless one exists.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiMethods } from '../../electron/shared/contract.js';

/** Where the electron package keeps its binary; found without require('electron'), which would try to download it. */
function electronBinary(): string | null {
  const pkg = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = path.join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const binary = override ? path.join(override, relative ?? 'electron') : relative ? path.join(pkg, 'dist', relative) : null;
  return binary && existsSync(binary) ? binary : null;
}

const binary = electronBinary();
const built = existsSync('dist/electron/main/main.js') && existsSync('dist/electron/preload/preload.cjs') && existsSync('dist/renderer/index.html');
const skipReason = !binary
  ? 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); skipping'
  : !built
    ? 'the app is not built (npm run build); skipping'
    : null;
if (skipReason) console.warn(skipReason);

describe.skipIf(skipReason !== null)('Electron app (end to end)', () => {
  it('opens a sandboxed window exposing exactly the contract, and answers getStatus', async () => {
    const { _electron } = await import('playwright-core');
    const userData = await mkdtemp(path.join(os.tmpdir(), 'lookalike-e2e-'));
    const app = await _electron.launch({
      executablePath: binary!,
      args: ['.', `--user-data-dir=${userData}`],
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
    });
    try {
      const page = await app.firstWindow();
      expect(page.url()).toBe('lookalike-app://app/index.html');
      const keys = await page.evaluate(() => Object.keys((window as unknown as Record<string, object>)['lookalike']!).sort());
      expect(keys).toEqual([...apiMethods, 'on', 'pathForFile'].sort());
      expect(await page.evaluate(() => typeof (globalThis as Record<string, unknown>)['require'])).toBe('undefined');
      const status = await page.evaluate(() =>
        (window as unknown as { lookalike: { getStatus(): Promise<{ appVersion: string }> } }).lookalike.getStatus(),
      );
      expect(status.appVersion).toMatch(/^\d+\.\d+\.\d+/);
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await page.waitForTimeout(300);
      expect(page.url()).toBe('lookalike-app://app/index.html');
    } finally {
      await app.close();
      await rm(userData, { recursive: true, force: true });
    }
  });
});

describe.runIf(skipReason !== null)('Electron app (end to end)', () => {
  it.skip(skipReason ?? '', () => undefined);
});
