// Why a keeper is suggested, in words: the engine's keep-best verdict (its rules in the order Settings gives
// them), the rule names as Settings shows them, and the file formats by extension.
import type { DuplicateGroup, GroupMember } from '../../../electron/shared/contract.js';
import { photoExtensions, type KeepRule } from '../../../electron/shared/values.js';

/** Why the engine suggests the group's keeper; for a keeper the user chose instead, that it was their choice. */
export function keeperReasons(group: DuplicateGroup, keeperPath: string = group.keep): string[] {
  if (keeperPath !== group.keep) return ['your choice'];
  return group.keepReasons.length > 0 ? group.keepReasons : ['the copies tie on every rule'];
}

/** How a member matches the keeper, in words: a fingerprint match says what such copies usually are. */
export function matchLabel(m: Pick<GroupMember, 'match'>): string {
  return m.match === 'near-identical' ? 'near-identical (re-encoded / resized / retouched)' : m.match;
}

/**
 * The evidence behind a match, both distances to the keeper: "fingerprint 5/128 bits apart · cosine 0.9712".
 * Null when neither is known (or for the keeper itself).
 */
export function matchEvidence(m: Pick<GroupMember, 'hamming' | 'cosine'>): string | null {
  const parts: string[] = [];
  if (typeof m.hamming === 'number') parts.push(`fingerprint ${m.hamming}/128 bits apart`);
  if (typeof m.cosine === 'number') parts.push(`cosine ${m.cosine.toFixed(4)}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

export const KEEP_RULE_LABELS: Record<KeepRule, string> = {
  resolution: 'Highest resolution',
  fileSize: 'Largest file',
  format: 'Preferred format (RAW/HEIC/PNG before JPEG/WebP)',
  captureTime: 'Earliest capture time (EXIF)',
  folder: 'Preferred folders',
  pathLength: 'Shortest path',
};

/**
 * The `folder` rule's label says what it prefers: the preferred folders set in Settings, and how many there are
 * (with none, the rule tells no copies apart).
 */
export function keepRuleLabel(rule: KeepRule, preferFolderCount: number): string {
  if (rule !== 'folder') return KEEP_RULE_LABELS[rule];
  return preferFolderCount === 0 ? 'Preferred folders (none set yet: add them below)' : `Preferred folders (${preferFolderCount})`;
}

type PhotoExtension = (typeof photoExtensions)[number];

/** A name for every extension the crawler considers (values.ts `photoExtensions`). */
const FORMATS: Record<PhotoExtension, string> = {
  '.jpg': 'JPEG',
  '.jpeg': 'JPEG',
  '.jpe': 'JPEG',
  '.mpo': 'MPO',
  '.png': 'PNG',
  '.webp': 'WebP',
  '.avif': 'AVIF',
  '.tif': 'TIFF',
  '.tiff': 'TIFF',
  '.gif': 'GIF',
  '.bmp': 'BMP',
  '.heic': 'HEIC',
  '.heif': 'HEIF',
  '.dng': 'DNG (RAW)',
  '.cr2': 'CR2 (RAW)',
  '.cr3': 'CR3 (RAW)',
  '.nef': 'NEF (RAW)',
  '.arw': 'ARW (RAW)',
  '.raf': 'RAF (RAW)',
  '.orf': 'ORF (RAW)',
  '.rw2': 'RW2 (RAW)',
};

const isPhotoExtension = (ext: string): ext is PhotoExtension => (photoExtensions as readonly string[]).includes(ext);

export function formatOf(path: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  const dotted = `.${ext}`;
  return isPhotoExtension(dotted) ? FORMATS[dotted] : ext ? ext.toUpperCase() : '—';
}
