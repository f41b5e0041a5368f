// Runs scripts/pillow_reference.py (Debian's Pillow + numpy) and reads what it writes.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe } from 'vitest';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, '../../../scripts/pillow_reference.py');

/** Pillow and numpy are there (scripts/setup-test-system.sh installs them); tests skip otherwise. */
export const pillowAvailable: boolean = spawnSync(PYTHON, ['-c', 'import PIL, numpy'], { stdio: 'ignore' }).status === 0;
const PILLOW_MISSING = 'needs /usr/bin/python3 with python3-pil and python3-numpy (scripts/setup-test-system.sh)';

/** A describe block that runs only with the Pillow reference, and says why when it is skipped. */
export function describeWithPillow(name: string, body: () => void): void {
  if (!pillowAvailable) console.warn(`skipping "${name}": ${PILLOW_MISSING}`);
  describe.skipIf(!pillowAvailable)(name, body);
}

export interface ReferenceEntry {
  path: string;
  ok: boolean;
  error?: string;
  width?: number;
  height?: number;
  shape?: [number, number, number];
  /** Pillow's decoded RGB (HWC), when asked for. */
  rgb?: Uint8Array;
  /** HF pixel_values ([3, H, W] float32), when a config was given. */
  tensor?: Float32Array;
}

export async function pillowReference(
  images: string[], options: { config?: object; rgb?: boolean },
): Promise<ReferenceEntry[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pillow-ref-'));
  try {
    const args = [SCRIPT, '--out', dir];
    if (options.config) {
      const configPath = join(dir, 'preprocessor_config.json');
      await writeFile(configPath, JSON.stringify(options.config));
      args.push('--config', configPath);
    }
    if (options.rgb) args.push('--rgb');
    const { stdout } = await run(PYTHON, [...args, ...images], { maxBuffer: 64 * 1024 * 1024 });
    const entries = JSON.parse(stdout) as ReferenceEntry[];
    await Promise.all(entries.map(async (entry, i) => {
      if (!entry.ok) return;
      if (options.rgb) entry.rgb = new Uint8Array(await readFile(join(dir, `${i}.rgb`)));
      if (options.config) {
        const bytes = await readFile(join(dir, `${i}.f32`));
        entry.tensor = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
      }
    }));
    return entries;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface DiffStats {
  mean: number;
  max: number;
}

export function diffStats(a: ArrayLike<number>, b: ArrayLike<number>): DiffStats {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: a.length ? sum / a.length : 0, max };
}
