// Debian's `findimagedupes` (a GraphicsMagick fingerprint tool) as the quality bench's peer: installed from apt
// when missing (only here, so `npm test` never pays for it), run as its man page shows, its groups parsed.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PeerRun {
  /** Groups of absolute paths, as the tool reported them. */
  groups: string[][];
  wallSeconds: number;
}

const installed = (): boolean => spawnSync('sh', ['-c', 'command -v findimagedupes'], { stdio: 'ignore' }).status === 0;

/** Makes sure `findimagedupes` is on the PATH: installs Debian's package as root when apt is there, else says how. */
export function ensureFindimagedupes(): void {
  if (installed()) return;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  const root = process.getuid?.() === 0;
  if (!hasApt || !root) {
    throw new Error(
      `findimagedupes is not installed and cannot be installed here (${hasApt ? 'not root' : 'no apt-get'}): ` +
        'install it (Debian/Ubuntu: `sudo apt-get install findimagedupes`) to compare against it',
    );
  }
  console.error('bench quality: installing findimagedupes (apt-get install -y findimagedupes)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  const result = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'findimagedupes'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (result.status !== 0 || !installed()) throw new Error(`apt-get install findimagedupes failed (exit ${result.status})`);
}

/**
 * One line per group of alike files, paths separated by spaces (findimagedupes(1), default output). A path with a
 * space in it would be ambiguous there, so the corpus' own paths are matched back greedily against the known files.
 */
export function parseGroups(stdout: string, files: ReadonlySet<string>): string[][] {
  const groups: string[][] = [];
  for (const line of stdout.split('\n')) {
    const words = line.trim().split(' ').filter(Boolean);
    const group: string[] = [];
    let pending = '';
    for (const w of words) {
      pending = pending ? `${pending} ${w}` : w;
      if (files.has(pending)) {
        group.push(pending);
        pending = '';
      }
    }
    if (group.length > 1) groups.push(group);
  }
  return groups;
}

/** Runs findimagedupes over `dirs` at a similarity threshold (e.g. "90%"), its fingerprint db in a temp folder. */
export async function runFindimagedupes(dirs: readonly string[], files: ReadonlySet<string>, threshold = '90%'): Promise<PeerRun> {
  ensureFindimagedupes();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-bench-fid-'));
  try {
    const t0 = performance.now();
    const args = ['-q', '-R', '-t', threshold, '-f', path.join(tmp, 'fingerprints.db'), '--', ...dirs];
    // Exit 1 is "there were warnings" (findimagedupes(1)): a file it could not read is its miss, not a failure.
    const { stdout } = await run('findimagedupes', args, { maxBuffer: 256 * 1024 * 1024 }).catch((err: { code?: number; stdout?: string }) => {
      if (err.code === 1 && typeof err.stdout === 'string') return { stdout: err.stdout };
      throw err;
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    return { groups: parseGroups(stdout, files), wallSeconds };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
