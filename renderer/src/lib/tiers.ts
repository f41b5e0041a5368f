// How the contract's tiers read in the UI, in order from most to least alike.
import type { Tier } from '../../../electron/shared/contract.js';

export const tierOrder: readonly Tier[] = ['exact', 'same-pixels', 'near-duplicate', 'similar'];

export const tierLabels: Record<Tier, string> = {
  exact: 'exact copy',
  'same-pixels': 'same pixels',
  'near-duplicate': 'near-duplicate',
  similar: 'similar',
};

export const tierShortLabels: Record<Tier, string> = {
  exact: 'Exact',
  'same-pixels': 'Same pixels',
  'near-duplicate': 'Near',
  similar: 'Similar',
};
