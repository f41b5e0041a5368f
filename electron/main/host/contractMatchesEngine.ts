// Compile-time checks that the contract's value lists are the engine's (a drift fails `tsc`). They live on main's
// side because the renderer type-checks the contract too, and must not pull in the engine's similarity modules.
import type { MatchReason as EngineMatchReason, Tier as EngineTier } from '../../engine/similarity/grouping.js';
import type { KeepRule as EngineKeepRule } from '../../engine/similarity/keepBest.js';
import type { KeepRule, MatchReason, Same, Tier } from '../../shared/contract.js';

export const tiersMatchEngine: Same<Tier, EngineTier> = true;
export const keepRulesMatchEngine: Same<KeepRule, EngineKeepRule> = true;
export const matchReasonsMatchEngine: Same<MatchReason, EngineMatchReason> = true;
