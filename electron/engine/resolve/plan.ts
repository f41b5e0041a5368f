// What `resolve` would do: for each duplicate group (never the `similar` band: burst shots are choices, not
// copies), every member except the keeper, reference-folder files and excluded files.
import { LookalikeError } from '../errors.js';
import type { DuplicateReport } from '../similarity/report.js';
import { actionTargets } from '../similarity/report.js';
import type { PlannedAction } from './actions.js';
import type { ScannedFile } from './fileGuard.js';
import { isUnder } from '../similarity/keepBest.js';
import { realPathOf } from '../scan/crawl.js';

export type ResolveMode = { kind: 'trash' } | { kind: 'move'; destDir: string };

export function planResolution(
  report: DuplicateReport,
  filesByPath: ReadonlyMap<string, ScannedFile>,
  mode: ResolveMode,
): PlannedAction[] {
  const actions: PlannedAction[] = [];
  const scanned = (p: string): ScannedFile => {
    const file = filesByPath.get(p);
    if (!file) throw new LookalikeError('conflict', `${p} is in a group but not in the catalog`);
    return file;
  };
  for (const group of report.groups) {
    if (group.tier === 'similar') continue;
    const targets = actionTargets(group);
    if (targets.length === 0) continue;
    // The keeper travels with its targets: each action checks it is still there, unchanged, before acting.
    const keeper = scanned(group.keep);
    for (const m of targets) {
      const file = scanned(m.path);
      // Moving a file already inside the destination would only rename it.
      if (mode.kind === 'move' && isUnder(realPathOf(file.path), realPathOf(mode.destDir))) continue;
      actions.push(mode.kind === 'trash' ? { kind: 'trash', file, keeper } : { kind: 'move', file, keeper, destDir: mode.destDir });
    }
  }
  return actions;
}
