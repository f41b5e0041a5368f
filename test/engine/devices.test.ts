// Device selection: `auto` falls back to CPU with a reason; WebGPU runs (on Mesa's software lavapipe here) and
// matches CPU within 1e-4 on the tiny model.
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture } from '../helpers/photos.js';

const lavapipeIcd = '/usr/share/vulkan/icd.d/lvp_icd.json';
function mesaVersion(): number {
  try {
    const v = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'mesa-vulkan-drivers'], { encoding: 'utf8' });
    return Number.parseInt(v.replace(/^\d+:/, ''), 10);
  } catch {
    return 0;
  }
}
const hasLavapipe = existsSync(lavapipeIcd) && mesaVersion() >= 25;
const hasGpuNode = (() => {
  try {
    return readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
})();

const photos = [fixture('originals/skimage_chelsea.jpg'), fixture('originals/skimage_coffee.jpg')];

describe('device selection', () => {
  it.skipIf(process.platform !== 'linux' || hasGpuNode)('auto uses the CPU without a GPU, and says why', async () => {
    const log: string[] = [];
    const engine = await createEngine({ modelDir: await tinyModelDir(), device: 'auto', log: (l) => log.push(l) });
    try {
      expect(engine.device).toBe('cpu');
      expect(engine.deviceFallbacks.join(' ')).toMatch(/webgpu.*no GPU device node/);
      expect(log.join(' ')).toMatch(/GPU providers skipped/);
    } finally {
      await engine.close();
    }
  });

  it('a provider this build lacks is a clear error, not a silent CPU run', async () => {
    const other = process.platform === 'win32' ? 'coreml' : 'dml';
    const run = createEngine({ modelDir: await tinyModelDir(), device: other });
    await expect(run).rejects.toThrow(new RegExp(`cannot use device ${other}`));
    await expect(run).rejects.toMatchObject({ code: 'unavailable' });
  });

  it.skipIf(!hasLavapipe)(
    'WebGPU (lavapipe) matches CPU within 1e-4 (skips without Mesa ≥ 25: run scripts/setup-test-system.sh as root)',
    async () => {
      process.env['VK_ICD_FILENAMES'] = lavapipeIcd;
      const modelDir = await tinyModelDir();
      const gpu = await createEngine({ modelDir, device: 'webgpu' });
      const cpu = await createEngine({ modelDir, device: 'cpu' });
      try {
        expect(gpu.device).toBe('webgpu');
        for (const pooled of [true, false]) {
          for (const p of photos) {
            const a = await cpu.embedOne(p, { pooled });
            const b = await gpu.embedOne(p, { pooled });
            let max = 0;
            for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
            expect(max).toBeLessThan(1e-4);
          }
        }
      } finally {
        await gpu.close();
        await cpu.close();
      }
    },
    // lavapipe compiles every WebGPU shader on the CPU: ~20 s on an idle 2-core machine, past a minute when the
    // machine is busy (a fresh-clone CI hit 60 s). A hang guard, not a speed check.
    240_000,
  );
});
