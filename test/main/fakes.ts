// tsconfig.preload.json type-checks test/main without the engine's folder: these bring the engine's declarations
// for its untyped packages along with the engine modules main (and so these tests) import.
/// <reference path="../../electron/engine/scan/picomatch.d.ts" />
/// <reference path="../../electron/engine/preprocess/heic-decode.d.ts" />
// In-memory stand-ins for what main's handlers are given: the engine (the real one runs in the engine process,
// see engineHost.test.ts), the library folders, the dialogs and the shell. Everything else in these tests is real.
import { defaultSettings, settingsSchema, type Settings } from '../../electron/engine/library/index.js';
import { engineMethods, type EngineApi, type Root } from '../../electron/shared/contract.js';
import type { HandlerDeps } from '../../electron/main/handlers.js';
import type { RootRef, RootRegistry } from '../../electron/main/roots.js';

export const DEFAULT_SETTINGS_FOR_TESTS: Settings = defaultSettings();

export interface FakeEngine {
  api: EngineApi;
  /** The engine methods called, in order (a request main refuses must never reach the engine). */
  calls: string[];
}

/**
 * An engine whose methods fail loudly unless given (tests that stop at main's gate must not reach it), with the
 * settings in memory: setSettings merges and validates a change as the Library does.
 */
export function fakeEngine(overrides: Partial<EngineApi> = {}, initial: Settings = DEFAULT_SETTINGS_FOR_TESTS): FakeEngine {
  const calls: string[] = [];
  let settings = initial;
  const defaults: Partial<EngineApi> = {
    getSettings: async () => settings,
    setSettings: async (change) => (settings = settingsSchema.parse({ ...settings, ...change })),
  };
  const api = Object.fromEntries(
    engineMethods.map((method) => {
      const given = (overrides[method] ?? defaults[method]) as ((req: unknown) => Promise<unknown>) | undefined;
      return [
        method,
        async (req: unknown) => {
          calls.push(method);
          if (!given) throw new Error(`engine.${method} called`);
          return given(req);
        },
      ];
    }),
  ) as unknown as EngineApi;
  return { api, calls };
}

/** Library folders held in memory (the app's live in the catalog, read through the engine). */
export function fakeRoots(initial: RootRef[]): RootRegistry {
  let value = initial;
  const keep = (roots: Root[]): Root[] => {
    value = roots.map((r) => ({ path: r.path, reference: r.reference }));
    return roots;
  };
  return { get: () => value, keep, list: async () => value.map((r) => ({ ...r, files: null })) };
}

/** What the fake dialogs answer next; a test may change it between calls, as a user picks something else. */
export interface Picks {
  files?: string[];
  folder?: string | null;
  save?: string | null;
}

/** Dialogs and shell that answer at once (a dialog's answer can be set per test, and changed through `picked`). */
export function fakeDesktop(picked: Picks = {}): Pick<HandlerDeps, 'dialogs' | 'shell'> & { shown: string[]; picked: Picks } {
  const shown: string[] = [];
  return {
    dialogs: {
      openFiles: async () => picked.files ?? [],
      openFolder: async () => picked.folder ?? null,
      saveFile: async () => picked.save ?? null,
    },
    shell: { showItemInFolder: (file) => void shown.push(file) },
    shown,
    picked,
  };
}
