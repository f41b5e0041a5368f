// The settings a first run starts with: one definition for the app, its tests and the end-to-end harness.
import { keepRules, type Settings } from '../shared/contract.js';

export function defaultSettings(): Settings {
  return {
    threshold: 90,
    device: 'auto',
    threads: null,
    theme: 'system',
    moveDest: null,
    excludeGlobs: [],
    keepRules: [...keepRules],
  };
}
