// In-memory stand-ins for main's stores (the real ones write to userData or go through the worker's catalog);
// everything else in these tests is real.
import type { Root, Settings } from '../../electron/shared/contract.js';
import { settingsSchema } from '../../electron/shared/contract.js';
import { defaultSettings } from '../../electron/main/defaultSettings.js';
import type { RootRef } from '../../electron/main/host/protocol.js';
import type { JsonStore } from '../../electron/main/jsonStore.js';
import type { RootRegistry } from '../../electron/main/roots.js';

export const DEFAULT_SETTINGS_FOR_TESTS: Settings = defaultSettings();

export function fakeSettings(initial: Settings): JsonStore<Settings> {
  let value = initial;
  return { get: () => value, set: async (next) => (value = settingsSchema.parse(next)) };
}

/** Library folders held in memory (the app's live in the catalog, through the worker). */
export function fakeRoots(initial: RootRef[]): RootRegistry {
  let value = initial;
  const list = async (): Promise<Root[]> => value.map((r) => ({ ...r, files: null }));
  return {
    get: () => value,
    list,
    add: async (path, reference) => {
      value = [...value.filter((r) => r.path !== path), { path, reference }];
      return list();
    },
    remove: async (path) => {
      value = value.filter((r) => r.path !== path);
      return list();
    },
  };
}
