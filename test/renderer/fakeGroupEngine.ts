// A library of many duplicate groups behind the contract's group methods, as the engine pages them: getGroups
// honours tiers, offset and limit and counts every tier; a resolved group leaves the list (as the engine drops a
// group whose copies are gone) and undo brings it back in its place. The groups are plain data, no files.
import type { DuplicateGroup, GroupsResult, ResolveAllSummary, Tier } from '../../electron/shared/contract.js';
import { countTiers } from '../../renderer/src/lib/tiers.js';
import type { Client } from '../../renderer/src/lib/api.js';

const TIERS: readonly Tier[] = ['exact', 'near-duplicate', 'similar'];

export function manyGroups(n: number): DuplicateGroup[] {
  return Array.from({ length: n }, (_, i) => {
    const members = [0, 1].map((m) => ({
      path: `/photos/g${i}-m${m}.jpg`,
      score: 100 - m,
      match: m === 0 ? ('identical bytes' as const) : ('near-duplicate' as const),
      hamming: null,
      cosine: null,
      width: 10,
      height: 10,
      bytes: 1000 - m * 100,
      mtimeMs: 0,
      reference: false,
      excluded: false,
      reasons: [],
      thumb: '',
    }));
    return { id: `g${i}`, tier: TIERS[i % TIERS.length]!, keep: members[0]!.path, keepReasons: [], members, reclaimableBytes: 900 };
  });
}

export interface FakeGroupEngine {
  methods: Pick<Client, 'getGroups' | 'resolveGroup' | 'resolveAll' | 'undo' | 'markNotDuplicate' | 'pickFolder' | 'showInFolder'>;
  /** Groups the engine lists now, in order. */
  listed(): DuplicateGroup[];
  /** Drops a group behind the Review's back (another window, a scan). */
  drop(groupId: string): void;
}

export function fakeGroupEngine(all: readonly DuplicateGroup[]): FakeGroupEngine {
  const gone = new Set<string>();
  const actions = new Map<string, string[]>();
  let next = 0;
  const listed = () => all.filter((g) => !gone.has(g.id));
  const groupOfPath = (p: string) => all.find((g) => g.members.some((m) => m.path === p));
  const action = (groupIds: string[]): string => {
    const id = `a${next++}`;
    actions.set(id, groupIds);
    for (const g of groupIds) gone.add(g);
    return id;
  };
  const getGroups = async (req: { threshold: number; tiers?: Tier[] | undefined; offset?: number | undefined; limit?: number | undefined }): Promise<GroupsResult> => {
    const every = listed();
    const shown = req.tiers ? every.filter((g) => req.tiers!.includes(g.tier)) : every;
    const offset = req.offset ?? 0;
    const page = shown.slice(offset, req.limit === undefined ? undefined : offset + req.limit);
    const totals = { groups: shown.length, files: shown.length * 2, reclaimableBytes: shown.length * 900 };
    return { threshold: req.threshold, groups: page, totals, tierCounts: countTiers(every) };
  };
  const resolveAll = async (req: { tiers?: Tier[] | undefined; dryRun: boolean }): Promise<ResolveAllSummary> => {
    const covered = listed().filter((g) => !req.tiers || req.tiers.includes(g.tier));
    const plan = covered.map((g) => ({ keep: g.keep, targets: g.members.filter((m) => m.path !== g.keep).map((m) => m.path) }));
    const actionId = req.dryRun ? null : action(covered.map((g) => g.id));
    return { dryRun: req.dryRun, groups: covered.length, files: plan.length, bytes: plan.length * 900, plan, actionId, failed: [], actions: [] };
  };
  const methods: FakeGroupEngine['methods'] = {
    getGroups,
    resolveAll,
    resolveGroup: async (req) => {
      const group = groupOfPath(req.keep)!;
      return { actionId: action([group.id]), done: req.targets, failed: [] };
    },
    markNotDuplicate: async (req) => ({ ok: true, actionId: action([groupOfPath(req.paths[0]!)!.id]) }),
    undo: async (req) => {
      const ids = actions.get(req?.actionId ?? '') ?? [];
      for (const id of ids) gone.delete(id);
      actions.delete(req?.actionId ?? '');
      return { actionId: req?.actionId ?? null, restored: [], failed: [] };
    },
    pickFolder: async () => ({ path: null }),
    showInFolder: async () => ({ ok: true }),
  };
  return { methods, listed, drop: (id) => gone.add(id) };
}
