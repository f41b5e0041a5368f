// The app's path at scale, run as its own process by bench/scale.ts (so its peak RSS is its own): the engine
// process's API over the Library (openLibrary + createEngineApi, as electron/engineProcess does), timing the first
// page of groups after open (from the kept grouping when there is one), one resolve and its undo (and the page the
// app shows after each, which must not cost a reload), a regroup at a threshold not kept (a load, when nothing is
// loaded yet), the way back, a regroup of the loaded library, and a search by example.
import { openLibrary } from '../electron/engine/library/index.js';
import { createEngineApi } from '../electron/engineProcess/api.js';

const PAGE = 50;

async function main(): Promise<void> {
  const [dataDir, realList, moveTo, regroupAt] = process.argv.slice(2);
  // A threshold no kept grouping has, the way back, and one more for the loaded library.
  const [regroup, back, loadedAt] = (regroupAt ?? '90,93,91').split(',').map(Number) as [number, number, number];
  const real = new Set((realList ?? '').split('\n').filter(Boolean));
  const out: Record<string, number | string> = {};
  let t = performance.now();
  const library = await openLibrary({ dataDir: dataDir!, appVersion: 'bench' });
  const api = createEngineApi(library);
  const first = await api.getGroups({ threshold: 93, offset: 0, limit: PAGE });
  out['firstPageMs'] = Math.round(performance.now() - t);
  out['groups'] = first.totals.groups;
  // A group of real files (the seed made them the biggest pictures, so they lead the list; photos added since may
  // come first): looked for in a wider page, untimed.
  const wide = first.groups.some((g) => g.members.every((m) => real.has(m.path))) ? first : await api.getGroups({ threshold: 93, offset: 0, limit: 5000 });
  const group = wide.groups.find((g) => g.members.every((m) => real.has(m.path)));
  if (group) {
    t = performance.now();
    const target = group.members.find((m) => m.path !== group.keep)!.path;
    const done = await api.resolveGroup({ keep: group.keep, targets: [target], action: 'move', dest: moveTo! });
    out['resolveMs'] = Math.round(performance.now() - t);
    out['resolved'] = `${done.done.length} done, ${done.failed.length} failed${done.failed[0] ? `: ${done.failed[0].error}` : ''}`;
    const page = async (name: string) => {
      const t3 = performance.now();
      const r = await api.getGroups({ threshold: 93, offset: 0, limit: PAGE });
      out[name] = Math.round(performance.now() - t3);
      return r;
    };
    // The pages the app shows after each: the moved file gone, then its group back whole, at no reload's cost.
    const gone = await page('pageAfterResolveMs');
    t = performance.now();
    await api.undo({ actionId: done.actionId! });
    out['undoMs'] = Math.round(performance.now() - t);
    out['resolveUndoMs'] = (out['resolveMs'] as number) + (out['undoMs'] as number);
    const back = await page('pageAfterUndoMs');
    // Checked on the page that holds the group (untimed) when it is past the first.
    const shown = async (r: typeof first) => (wide === first ? r : await api.getGroups({ threshold: 93, offset: 0, limit: 5000 })).groups.some((g) => g.members.some((m) => m.path === target));
    out['pages'] = `moved file ${(await shown(gone)) ? 'still shown' : 'gone'}, back after undo: ${await shown(back)}`;
  } else out['resolved'] = 'no group of real files in the first 5,000';
  // A threshold no kept grouping has: the library loads (unless it is loaded already) and groups.
  t = performance.now();
  await api.getGroups({ threshold: regroup, offset: 0, limit: PAGE });
  out['regroupMs'] = Math.round(performance.now() - t);
  t = performance.now();
  await api.getGroups({ threshold: back, offset: 0, limit: PAGE });
  out['regroupBackMs'] = Math.round(performance.now() - t);
  // Loaded now: what a slider move to a new threshold costs in memory.
  t = performance.now();
  await api.getGroups({ threshold: loadedAt, offset: 0, limit: PAGE });
  out['regroupLoadedMs'] = Math.round(performance.now() - t);
  const example = first.groups[0]?.members[0]?.path;
  if (example) {
    t = performance.now();
    await api.search({ path: example, top: 10 });
    out['searchMs'] = Math.round(performance.now() - t);
  }
  await library.close();
  out['peakRssMB'] = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify(out) + '\n');
}

await main();
