// The engine labels each group member by how it matched the group's representative (the photo the group grew
// from). The review shows every member against the suggested keeper instead (its score is the cosine to the
// keeper too), and the two differ whenever a keep rule picks another photo: a PNG re-encode that wins on file
// size would leave the original labelled "identical bytes" (to itself). This restates the label against the
// keeper from what the catalog knows (content and pixel hashes) and the engine's labels of both.
import type { MatchReason } from '../../shared/values.js';

export interface MatchFacts {
  match: MatchReason;
  contentHash: string | null;
  pixelHash: string | null;
}

/** Labels of members in the representative's own hash unit: same picture, whatever their embeddings say. */
const SAME_PICTURE: ReadonlySet<MatchReason> = new Set(['identical bytes', 'same pixels', 'same pixels (EXIF-rotated copy)']);
/** Weakest last: a pair is only as alike as the weaker of its two links to the representative. */
const STRENGTH: readonly MatchReason[] = ['identical bytes', 'same pixels', 'same pixels (EXIF-rotated copy)', 'near-identical', 'near-duplicate', 'similar'];

/** `nearIdentical`: the two photos' own fingerprints match (perceptualTier.ts), which no pair of labels implies. */
export function matchToKeeper(member: MatchFacts, keeper: MatchFacts, nearIdentical = false): MatchReason {
  if (member.contentHash !== null && member.contentHash === keeper.contentHash) return 'identical bytes';
  if (member.pixelHash !== null && member.pixelHash === keeper.pixelHash) return 'same pixels';
  // Both in the representative's unit with different pixels: the unit joined them by the rotated-copy rule.
  if (SAME_PICTURE.has(member.match) && SAME_PICTURE.has(keeper.match)) return 'same pixels (EXIF-rotated copy)';
  if (nearIdentical) return 'near-identical';
  const weaker = Math.max(STRENGTH.indexOf(member.match), STRENGTH.indexOf(keeper.match), STRENGTH.indexOf('near-duplicate'));
  return STRENGTH[weaker]!;
}
