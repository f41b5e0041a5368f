// What `resolve` would do: for each duplicate group (never the `similar` band: burst shots are choices, not
// copies), every member except the keeper, reference-folder files and excluded files.
import { LookalikeError } from '../errors.js';
import type { DuplicateReport } from '../similarity/report.js';
import { actionTargets } from '../similarity/report.js';
import type { PlannedAction } from './actions.js';
import type { ScannedFile } from './fileGuard.js';
import { isUnder } from '../similarity/keepBest.js';

export type ResolveMode = { kind: 'trash' } | { kind: 'move'; destDir: string };

export function planResolution(
  report: DuplicateReport,
  filesByPath: ReadonlyMap<string, ScannedFile>,
  mode: ResolveMode,
): PlannedAction[] {
  const actions: PlannedAction[] = [];
  for (const group of report.groups) {
    if (group.tier === 'similar') continue;
    for (const m of actionTargets(group)) {
      const file = filesByPath.get(m.path);
      if (!file) throw new LookalikeError('conflict', `${m.path} is in a group but not in the catalog`);
      // Moving a file already inside the destination would only rename it.
      if (mode.kind === 'move' && isUnder(file.path, mode.destDir)) continue;
      actions.push(mode.kind === 'trash' ? { kind: 'trash', file, keeper: group.keep } : { kind: 'move', file, keeper: group.keep, destDir: mode.destDir });
    }
  }
  return actions;
}
