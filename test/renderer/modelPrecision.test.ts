// The precision choice in Settings (happy-dom, over a fake bridge that keeps the model manager's state as the engine
// does): the model in use lists its precisions with what each trades, a pinned q8 file is downloaded and made the
// one in use, an installed one is switched to at once, one that cannot be had is disabled with its reason, and
// the engine line says which precision actually runs.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelDtype, ModelInfo, ModelPrecision, Status } from '../../electron/shared/contract.js';
import { modelDtypeTradeoffs } from '../../electron/shared/values.js';
import { SettingsState } from '../../renderer/src/state/settings.svelte.js';
import SettingsView from '../../renderer/src/views/SettingsView.svelte';
import { fakeClient, settingsWith } from './fakeClient.js';

const ID = 'Xenova/vit-base-patch16-224-in21k';
const precision = (dtype: ModelDtype, p: Partial<ModelPrecision>): ModelPrecision => ({ dtype, installed: false, downloadBytes: null, unavailable: null, ...p });

function setup() {
  const installed = new Set<ModelDtype>(['fp32']);
  let inUse: ModelDtype = 'fp32';
  const model = (): ModelInfo => ({
    id: ID, label: `${ID} (default)`, description: 'ViT-B/16', source: 'registry', installed: true, selected: true, bytes: 87_500_000, dtype: inUse,
    precisions: [
      precision('fp32', { installed: installed.has('fp32') }),
      precision('q8', installed.has('q8') ? { installed: true } : { downloadBytes: 87_500_000 }),
      precision('fp16', { unavailable: 'the model registry pins no checksum for its onnx/model_fp16.onnx, so it is not offered here' }),
    ],
  });
  const status = (): Status => ({
    appVersion: '0', dataDir: '/d', engineState: 'ready', engineError: null, modelId: ID, modelInstalled: true, device: 'cpu', deviceFallbacks: [], pooling: 'pooler_output', dim: 768, dtype: inUse,
  });
  const fake = fakeClient({
    getStatus: async () => status(),
    getSettings: async () => settingsWith(),
    listModels: async () => [model()],
    getCalibration: async () => null,
    // As the engine does with `use`: the file is fetched, then it is the precision in use.
    downloadModel: async (req) => {
      if (req.dtype && req.use) (installed.add(req.dtype), (inUse = req.dtype));
      return { jobId: 'job-1' };
    },
    useModel: async (req) => {
      if (!req.dtype || !installed.has(req.dtype)) throw new Error(`[no-model] ${ID} (${req.dtype}) is not installed`);
      inUse = req.dtype;
      return status();
    },
  });
  return { settings: new SettingsState(fake.client), fake };
}

const mounted: (() => void)[] = [];
afterEach(() => {
  while (mounted.length) mounted.pop()!();
  document.body.innerHTML = '';
});
function render(settings: SettingsState): HTMLElement {
  const target = document.body.appendChild(document.createElement('div'));
  const view = mount(SettingsView, { target, props: { settings, onKeepPreferencesChanged: () => undefined } });
  mounted.push(() => unmount(view));
  flushSync();
  return target;
}
const buttonNamed = (root: HTMLElement, name: RegExp): HTMLButtonElement => {
  flushSync();
  const b = Array.from(root.querySelectorAll('button')).find((x) => name.test(x.getAttribute('aria-label') ?? x.textContent ?? ''));
  if (!b) throw new Error(`no button ${name}`);
  return b;
};

describe('Settings: model precision', () => {
  it('downloads q8 and uses it, says what it trades, and switches back to fp32 at once', async () => {
    const { settings, fake } = setup();
    await settings.refresh();
    const root = render(settings);
    const block = root.querySelector<HTMLElement>('[data-testid="model-precision"]')!;
    expect(block.querySelector('h3')?.textContent).toBe(`Precision of ${ID} (default)`);
    expect(block.textContent).toContain(modelDtypeTradeoffs.q8);
    expect(block.textContent).toContain('vectors of different precisions never mix');
    expect(root.textContent).toMatch(/Engine: ready on cpu\s+· fp32 \(full precision\)/);

    // fp16 cannot be had: its button is disabled and described by the reason, shown in words.
    const fp16 = buttonNamed(block, /^Use fp16/);
    expect(fp16.disabled).toBe(true);
    expect(document.getElementById(fp16.getAttribute('aria-describedby')!)?.textContent).toMatch(/Not available: the model registry pins no checksum/);

    buttonNamed(block, /^Download q8 \(8-bit, 1\.5–2\.3x faster on CPU\), 83\.4 MB, and use it$/).click();
    await vi.waitFor(() => expect(fake.requests('downloadModel')).toEqual([{ id: ID, dtype: 'q8', use: true }]));
    expect(settings.downloadingId).toBe(`${ID} (q8)`);
    // The job's end, as AppState forwards it: the download panel closes and Settings refreshes.
    expect(buttonNamed(block, /^Download q8/).disabled).toBe(true); // one download at a time
    settings.download.onDone({ jobId: 'job-1', kind: 'downloadModel', ok: true, result: (await fake.client.listModels())[0]! });
    await settings.refresh();
    flushSync();
    expect(root.textContent).toMatch(/Engine: ready on cpu\s+· q8 \(8-bit, 1\.5–2\.3x faster on CPU\)/);
    const q8Row = Array.from(block.querySelectorAll('li')).find((li) => li.textContent?.includes('q8 ('))!;
    expect(q8Row.textContent).toContain('In use');

    buttonNamed(block, /^Use fp32/).click();
    await vi.waitFor(() => expect(fake.requests('useModel')).toEqual([{ id: ID, dtype: 'fp32' }]));
    await vi.waitFor(() => expect(settings.status?.dtype).toBe('fp32'));
    flushSync();
    expect(root.textContent).toMatch(/Engine: ready on cpu\s+· fp32 \(full precision\)/);
    expect(settings.error).toBeNull();
  });

  it('shows no precision choice before a model is in use', async () => {
    const { settings } = setup();
    await settings.refresh();
    settings.models = settings.models.map((m) => ({ ...m, selected: false, dtype: null }));
    const root = render(settings);
    expect(root.querySelector('[data-testid="model-precision"]')).toBeNull();
  });
});
