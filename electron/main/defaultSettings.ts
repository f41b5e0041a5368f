// The settings a first run starts with: one definition for the app, its tests and the end-to-end harness.
import { DEFAULT_THRESHOLD } from '../engine/similarity/threshold.js';
import { keepRules, type Settings } from '../shared/contract.js';

export function defaultSettings(): Settings {
  return {
    // The engine's calibrated default, so the app and `lookalike dupes` group alike out of the box.
    threshold: DEFAULT_THRESHOLD,
    device: 'auto',
    threads: null,
    theme: 'system',
    moveDest: null,
    excludeGlobs: [],
    preferFolders: [],
    keepRules: [...keepRules],
  };
}
