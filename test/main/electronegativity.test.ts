// Doyensec's Electronegativity over the shell's sources (main, preload, shared) and the renderer's HTML: no HIGH
// or MEDIUM finding. It runs in a child process because its translation download (got) throws from a timer
// when offline, after the scan has finished, which would otherwise surface as an unhandled error here.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

interface Finding {
  id: string;
  severity: string;
  confidence: string;
  file: string;
  line: number | null;
  description: string;
}

const script = `
const run = require('@doyensec/electronegativity');
run({ input: process.argv[1], electronVersionOverride: require('electron/package.json').version,
      // This check asks GitHub for Electron releases: no network in tests, and not a property of our code.
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'] })
  .then((r) => {
    const issues = r.issues.map((i) => ({ id: i.id, severity: i.severity.name, confidence: i.confidence.name,
      file: i.file, line: i.location ? i.location.line : null, description: i.description }));
    process.stdout.write('\\n@@result@@' + JSON.stringify({ issues, errors: r.errors }));
    process.exit(0);
  }, (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(2); });
`;

let tmp: string | undefined;
afterAll(() => (tmp ? rm(tmp, { recursive: true, force: true }) : undefined));

async function scan(input: string): Promise<{ issues: Finding[]; errors: { file: string; message: string; tolerable: boolean }[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, input], {
    cwd: process.cwd(),
    timeout: 50_000,
    env: { ...process.env, LANG: 'en-US' },
  });
  return JSON.parse(stdout.split('@@result@@')[1] ?? 'null') as Awaited<ReturnType<typeof scan>>;
}

const isSerious = (i: Finding): boolean => i.severity === 'HIGH' || i.severity === 'MEDIUM' || i.severity === 'CRITICAL';

async function copySources(): Promise<string> {
  tmp ??= await mkdtemp(path.join(os.tmpdir(), 'lookalike-eng-'));
  const input = await mkdtemp(path.join(tmp, 'app-'));
  for (const dir of ['electron/main', 'electron/preload', 'electron/shared']) await cp(dir, path.join(input, dir), { recursive: true });
  await cp('package.json', path.join(input, 'package.json'));
  // The built renderer when present (what ships), else its source page.
  const html = (await stat('dist/renderer/index.html').then(() => true, () => false)) ? 'dist/renderer/index.html' : 'renderer/index.html';
  await cp(html, path.join(input, 'renderer/index.html'));
  return input;
}

describe('electronegativity', () => {
  it('finds no HIGH or MEDIUM issue in main, preload, shared and the renderer HTML', async () => {
    const { issues, errors } = await scan(await copySources());
    const serious = issues.filter(isSerious);
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
    expect(errors.filter((e) => !e.tolerable)).toEqual([]);
    // It did read our files: the Electron version comes from package.json.
    expect(issues.some((i) => i.id === 'ELECTRON_VERSION_JSON_CHECK')).toBe(true);
  });

  it('would catch a weakened window (sandbox off)', async () => {
    const input = await copySources();
    const main = path.join(input, 'electron/main/main.ts');
    const weakened = (await readFile(main, 'utf8')).replace('sandbox: true', 'sandbox: false');
    await writeFile(main, weakened);
    const ids = (await scan(input)).issues.filter(isSerious).map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining(['SANDBOX_JS_CHECK']));
  });
});
