// Lookalike as a user runs it, for the side-by-side quality table: `lookalike scan` then `lookalike dupes --json`
// with the built CLI, into a fresh data folder. Whatever tiers the CLI reports are measured as they come, except
// `similar` (a looser band the CLI lists apart from duplicates), which is counted but not scored.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../photos.js';
import type { PeerRun } from './findimagedupes.js';

const run = promisify(execFile);

interface DupesJson {
  threshold: number;
  groups: { tier: string; members: { path: string }[] }[];
}

export interface LookalikeRun extends PeerRun {
  threshold: number;
  /** `lookalike scan` (a first scan calibrates the model, as a user's does) and `lookalike dupes`, apart. */
  scanSeconds: number;
  dupesSeconds: number;
  /** Groups per tier as the CLI reported them (similar included). */
  tiers: Record<string, number>;
}

const cliPath = (): string => path.join(repoRoot, 'dist', 'electron', 'cli', 'bin.js');

export async function runLookalikeCli(corpus: string, modelDir: string): Promise<LookalikeRun> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lookalike-bench-cli-'));
  const env = { ...process.env, LOOKALIKE_MODEL: '', LOOKALIKE_DATA_DIR: '' };
  const cli = (args: string[]) => run(process.execPath, [cliPath(), ...args, '--data-dir', dataDir], { env, maxBuffer: 512 * 1024 * 1024 });
  try {
    const t0 = performance.now();
    // The CPU, as findimagedupes uses it; calibration runs as it does for a user's first scan.
    // Exit 1 means some files failed: they are the tool's misses, not the bench's failure.
    await cli(['scan', corpus, '--model', modelDir, '--device', 'cpu', '--json']).catch((err: { code?: number }) => {
      if (err.code !== 1) throw err;
    });
    const t1 = performance.now();
    const { stdout } = await cli(['dupes', '--json']);
    const t2 = performance.now();
    const dupes = JSON.parse(stdout) as DupesJson;
    const tiers: Record<string, number> = {};
    for (const g of dupes.groups) tiers[g.tier] = (tiers[g.tier] ?? 0) + 1;
    const groups = dupes.groups.filter((g) => g.tier !== 'similar').map((g) => g.members.map((m) => m.path));
    return { groups, wallSeconds: (t2 - t0) / 1000, scanSeconds: (t1 - t0) / 1000, dupesSeconds: (t2 - t1) / 1000, threshold: dupes.threshold, tiers };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
