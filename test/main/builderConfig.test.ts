// electron-builder.yml checked offline with electron-builder's own validation (app-builder-lib's JSON schema),
// plus the properties we rely on: native code unpacked from the asar, each platform without the others'
// onnxruntime binaries, and the security fuses.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const yaml = require('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  asarUnpack: string[];
  files: string[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; files: string[] };
  win: { target: string[]; files: string[] };
  mac: { target: string[]; files: string[] };
}

const load = async (): Promise<BuilderConfig> => yaml.load(await readFile('electron-builder.yml', 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema validation', async () => {
    await expect(validateConfiguration(await load(), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('and that validation does reject a wrong option', async () => {
    const config = { ...(await load()), linux: { ...(await load()).linux, targett: ['AppImage'] } };
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object[\s\S]*linux/);
  });

  it('targets AppImage + deb, NSIS and dmg, with the security fuses set', async () => {
    const c = await load();
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.win.target).toEqual(['nsis']);
    expect(c.mac.target).toEqual(['dmg']);
    expect(c.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    });
  });

  it('unpacks native addons and their libraries, and drops other platforms’ onnxruntime builds', async () => {
    const c = await load();
    for (const pattern of ['**/*.node', '**/node_modules/onnxruntime-node/bin/**', '**/node_modules/@img/**', '**/node_modules/sharp/**']) {
      expect(c.asarUnpack).toContain(pattern);
    }
    const others = { linux: ['win32', 'darwin'], win: ['linux', 'darwin'], mac: ['linux', 'win32'] } as const;
    for (const [platform, excluded] of Object.entries(others)) {
      const files = c[platform as keyof typeof others].files.join('\n');
      expect(files).toContain(`onnxruntime-node/bin/napi-v6/{${excluded.join(',')}}/**`);
    }
  });
});
