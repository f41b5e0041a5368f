// How the contract's tiers read in the UI. Their order (most to least alike) is values.ts `tiers`.
import { tiers, type Tier } from '../../../electron/shared/values.js';

export { tiers };

export const tierLabels: Record<Tier, string> = {
  exact: 'exact copy',
  'same-pixels': 'same pixels',
  'near-identical': 'near-identical (re-encoded / resized / retouched)',
  'near-duplicate': 'near-duplicate',
  similar: 'similar',
};

export const tierShortLabels: Record<Tier, string> = {
  exact: 'Exact',
  'same-pixels': 'Same pixels',
  'near-identical': 'Near-identical',
  'near-duplicate': 'Near',
  similar: 'Similar',
};

/** How many groups each tier holds (every tier present, 0 when it has none). */
export function countTiers(groups: readonly { tier: Tier }[]): Record<Tier, number> {
  const counts = Object.fromEntries(tiers.map((t) => [t, 0])) as Record<Tier, number>;
  for (const g of groups) counts[g.tier]++;
  return counts;
}
