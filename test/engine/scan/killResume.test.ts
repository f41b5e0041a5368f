// A scan killed with SIGKILL mid-way leaves a consistent catalog, and the next scan picks it up without redoing
// what was committed.
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { command as status, type StatusJson } from '../../../electron/cli/commands/status.js';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import type { ScanSummary, StoredScanParams } from '../../../electron/engine/scan/index.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixturesDir } from '../../helpers/photos.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FILES = 40;
let tmp: string;
let root: string;
let db: string;
let modelDir: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-kill-'));
  root = path.join(tmp, 'photos');
  db = path.join(tmp, 'catalog.db');
  mkdirSync(root);
  const jpegs = ['originals', 'variants'].flatMap((d) =>
    readdirSync(path.join(fixturesDir, d)).filter((f) => f.endsWith('.jpg')).map((f) => path.join(fixturesDir, d, f)));
  // 40 distinct files: JPEG decoders stop at the end-of-image marker, so a trailer makes each copy unique bytes.
  for (let i = 0; i < FILES; i++) {
    const file = path.join(root, `copy-${String(i).padStart(2, '0')}.jpg`);
    copyFileSync(jpegs[i % jpegs.length]!, file);
    appendFileSync(file, `lookalike test copy ${i}`);
  }
  modelDir = await tinyModelDir();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface ChildRun {
  lines: unknown[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** Runs the scan in a child; with killAfter, SIGKILLs it as soon as that many vectors are committed. */
function runChild(killAfter?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--experimental-transform-types', '--no-warnings', '--import',
      path.join(here, 'ts-hook.mjs'), path.join(here, 'scanChild.ts'), db, root, modelDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: unknown[] = [];
    let stderr = '';
    let buffered = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = JSON.parse(buffered.slice(0, nl)) as { embedded?: number };
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (killAfter !== undefined && (line.embedded ?? 0) >= killAfter) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ lines, signal, code, stderr }));
  });
}

it('resumes a scan killed with SIGKILL: catalog intact, committed files not redone', async () => {
  const killed = await runChild(6);
  expect(killed.signal, killed.stderr).toBe('SIGKILL');

  const before = Catalog.open(db);
  expect((before.db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
  const committed = [...before.files.withStatus('ok')];
  const key = before.embeddings.models()[0]!.key;
  // Committed in pairs with their vectors: never a file row without its vector.
  for (const f of committed) expect(before.embeddings.has(f.contentHash!, key)).toBe(true);
  expect(committed.length).toBeGreaterThanOrEqual(6);
  expect(committed.length).toBeLessThan(FILES);
  const interruptedId = before.scans.interrupted()?.id;
  expect(interruptedId).toBeDefined();
  const stamps = new Map(committed.map((f) => [f.path, f.updatedAt]));
  before.close();
  // `lookalike status` tells the user.
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  await status.run(['--db', db, '--json'], { stdout: out, stderr: out, env: {}, signal: new AbortController().signal });
  expect((JSON.parse(text) as StatusJson).interruptedScan).toMatchObject({ id: interruptedId, roots: [root], state: 'running' });

  const rerun = await runChild();
  expect(rerun.code, rerun.stderr).toBe(0);
  const { summary } = rerun.lines.at(-1) as { summary: ScanSummary };
  expect(summary).toMatchObject({ found: FILES, unchanged: committed.length, embedded: FILES - committed.length, failed: [] });

  const after = Catalog.open(db);
  expect(after.files.counts()).toEqual({ ok: FILES, failed: 0, missing: 0 });
  expect(after.embeddings.countsByModel()).toEqual([{ modelKey: key, count: FILES }]);
  // The rows committed before the kill were not written again.
  for (const [file, stamp] of stamps) expect(after.files.get(file)?.updatedAt).toBe(stamp);
  expect(after.scans.get(interruptedId!)?.state).toBe('interrupted');
  expect(after.scans.get<StoredScanParams>(summary.scanId)?.params.resumes).toEqual([interruptedId]);
  expect(after.scans.interrupted()).toBeNull();
  after.close();
});
