// The one data folder: where each platform keeps it, how flags and the environment override it, and the one-time
// move of an older app version's library out of Electron's userData, which never overwrites or loses anything.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adoptLegacyData, dataPaths, resolveDataDir } from '../../../electron/engine/library/index.js';

describe('resolveDataDir', () => {
  const home = '/home/ada';
  it('uses the platform app data folder', () => {
    expect(resolveDataDir(undefined, { HOME: home }, 'linux')).toBe('/home/ada/.local/share/lookalike');
    expect(resolveDataDir(undefined, { HOME: home, XDG_DATA_HOME: '/data/xdg' }, 'linux')).toBe('/data/xdg/lookalike');
    // A relative XDG_DATA_HOME is invalid by the spec and ignored.
    expect(resolveDataDir(undefined, { HOME: home, XDG_DATA_HOME: 'rel' }, 'linux')).toBe('/home/ada/.local/share/lookalike');
    expect(resolveDataDir(undefined, { HOME: home }, 'darwin')).toBe('/home/ada/Library/Application Support/Lookalike');
    expect(resolveDataDir(undefined, { HOME: home, APPDATA: '/appdata' }, 'win32')).toBe(path.join('/appdata', 'Lookalike'));
  });

  it('--data-dir wins over LOOKALIKE_DATA_DIR, which wins over the platform folder', () => {
    expect(resolveDataDir('/flag', { HOME: home, LOOKALIKE_DATA_DIR: '/env' }, 'linux')).toBe('/flag');
    expect(resolveDataDir(undefined, { HOME: home, LOOKALIKE_DATA_DIR: '/env' }, 'linux')).toBe('/env');
  });

  it('keeps catalog, models and settings side by side; --db moves only the catalog', () => {
    expect(dataPaths('/d')).toMatchObject({ catalog: '/d/catalog.db', models: '/d/models', settings: '/d/settings.json' });
    expect(dataPaths('/d', '/elsewhere/c.db')).toMatchObject({ catalog: '/elsewhere/c.db', models: '/d/models' });
  });
});

describe('adoptLegacyData', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-legacy-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const legacyApp = (): string => {
    const userData = path.join(tmp, 'userData');
    mkdirSync(path.join(userData, 'models', 'imported'), { recursive: true });
    writeFileSync(path.join(userData, 'catalog.db'), 'old catalog');
    writeFileSync(path.join(userData, 'catalog.db-wal'), 'old wal');
    writeFileSync(path.join(userData, 'settings.json'), '{"threshold": 91}');
    writeFileSync(path.join(userData, 'window-state.json'), '{}');
    return userData;
  };

  it('moves the old app library into the data folder once, with a message', async () => {
    const userData = legacyApp();
    const paths = dataPaths(path.join(tmp, 'data'));
    const lines = await adoptLegacyData(userData, paths);
    expect(readFileSync(paths.catalog, 'utf8')).toBe('old catalog');
    expect(readFileSync(`${paths.catalog}-wal`, 'utf8')).toBe('old wal');
    expect(readFileSync(paths.settings, 'utf8')).toContain('91');
    expect(existsSync(paths.models)).toBe(true);
    expect(lines.some((l) => l.startsWith('moved') && l.includes('catalog.db'))).toBe(true);
    // The window state is the app's own, not the library's: it stays.
    expect(existsSync(path.join(userData, 'window-state.json'))).toBe(true);
    // Once: a second start has nothing to move.
    expect(await adoptLegacyData(userData, paths)).toEqual([]);
  });

  it('never overwrites a library the CLI made: the old one stays where it was, and says so', async () => {
    const userData = legacyApp();
    const paths = dataPaths(path.join(tmp, 'data'));
    mkdirSync(paths.dataDir, { recursive: true });
    writeFileSync(paths.catalog, 'cli catalog');
    const lines = await adoptLegacyData(userData, paths);
    expect(readFileSync(paths.catalog, 'utf8')).toBe('cli catalog');
    expect(readFileSync(path.join(userData, 'catalog.db'), 'utf8')).toBe('old catalog');
    // Its WAL belongs to the old catalog: moving it beside the CLI's would corrupt that one.
    expect(existsSync(`${paths.catalog}-wal`)).toBe(false);
    expect(lines.join('\n')).toMatch(/kept the old app library/);
  });
});
