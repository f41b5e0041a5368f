// In-memory stand-ins for the JSON stores (the real ones write to userData); everything else in these tests is real.
import type { Settings } from '../../electron/shared/contract.js';
import { settingsSchema } from '../../electron/shared/contract.js';
import type { RootRef } from '../../electron/main/host/protocol.js';
import type { JsonStore } from '../../electron/main/jsonStore.js';

export const DEFAULT_SETTINGS_FOR_TESTS: Settings = {
  threshold: 90,
  device: 'auto',
  threads: null,
  theme: 'system',
  moveDest: null,
  excludeGlobs: [],
};

export function fakeSettings(initial: Settings): JsonStore<Settings> {
  let value = initial;
  return { get: () => value, set: async (next) => (value = settingsSchema.parse(next)) };
}

export function fakeRoots(initial: RootRef[]): JsonStore<RootRef[]> {
  let value = initial;
  return { get: () => value, set: async (next) => (value = next) };
}
