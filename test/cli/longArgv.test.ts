// A long command line must not crash the model. onnxruntime-node's telemetry parses /proc/self/cmdline when the
// first session is created and overflows the stack past ~25-30 KB (SIGSEGV, exit 139): `lookalike embed` with 500
// photos did (engine/model/ortEnvironment.ts explains). Here: 2,000 real photo paths (hard links of a fixture, with
// long realistic names, ~190 KB of arguments) through the built binary for embed and export; compare takes two
// files, so its command line is made long the other way a launcher can: many Node options before the script.
import { spawn } from 'node:child_process';
import { copyFileSync, linkSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli, type CliResult } from '../helpers/cli.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture } from '../helpers/photos.js';

const COUNT = 2000;
let tmp: string;
let files: string[];
let model: string;

beforeAll(async () => {
  model = await tinyModelDir();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-argv-'));
  // The smallest fixture keeps 2,000 decodes quick; the point is the length of the command line.
  const source = fixture('variants/skimage_chelsea__resize25.jpg');
  files = Array.from({ length: COUNT }, (_, i) => {
    const name = `2019-07-${String((i % 28) + 1).padStart(2, '0')} Summer holiday at the coast - family photos - IMG_${String(i).padStart(5, '0')} (edited).jpg`;
    const file = path.join(tmp, name);
    try {
      linkSync(source, file);
    } catch {
      copyFileSync(source, file);
    }
    return file;
  });
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const argvBytes = (args: string[]): number => args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
const TIMEOUT = 180_000;

/** The built CLI run with Node options before it, as a wrapper script or launcher might pass them. */
function runWithNodeOptions(nodeOptions: string[], args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe(`a command line of ${COUNT} photo paths`, () => {
  it('is long enough to have crashed onnxruntime (over 100 KB)', () => {
    expect(argvBytes(files)).toBeGreaterThan(100_000);
  });

  it('embed: exit 0 and one embedding per path', { timeout: TIMEOUT }, async () => {
    const r = await runCli(['embed', ...files, '--model', model, '--device', 'cpu', '--json'], {}, TIMEOUT);
    expect(r.stderr).not.toMatch(/Segmentation|SIGSEGV/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { items: { path: string; embedding?: number[]; error?: string }[] };
    expect(out.items).toHaveLength(COUNT);
    expect(out.items.filter((i) => i.embedding?.length === 64)).toHaveLength(COUNT);
    expect(new Set(out.items.map((i) => i.path))).toEqual(new Set(files));
  });

  it('export: exit 0 and a manifest row per path', { timeout: TIMEOUT }, async () => {
    const out = path.join(tmp, 'features.npy');
    const r = await runCli(['export', ...files, '--model', model, '--device', 'cpu', '--out', out], {}, TIMEOUT);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8')) as { rows: unknown[]; failed: unknown[] };
    expect(manifest.rows).toHaveLength(COUNT);
    expect(manifest.failed).toEqual([]);
    // 128-byte .npy header, then 2,000 × 64 float32.
    expect(readFileSync(out).length).toBe(128 + COUNT * 64 * 4);
  });

  it('compare: exit 0 with 1,500 Node options (~68 KB) before the script', async () => {
    const nodeOptions = Array.from({ length: 1500 }, (_, i) => `--conditions=lookalike-long-command-line-${i}`);
    expect(argvBytes(nodeOptions)).toBeGreaterThan(60_000);
    const a = fixture('originals/skimage_chelsea.jpg');
    const r = await runWithNodeOptions(nodeOptions, ['compare', a, fixture('variants/skimage_chelsea__copy.jpg'), '--model', model, '--device', 'cpu', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ similarity: 1, device: 'cpu' });
  });
});
