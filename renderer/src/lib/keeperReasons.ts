// Why a keeper is suggested, in words: the engine's keep-best verdict (its rules in the order Settings gives
// them), the rule names as Settings shows them, and the file formats by extension.
import type { DuplicateGroup } from '../../../electron/shared/contract.js';
import { photoExtensions, type KeepRule } from '../../../electron/shared/values.js';

/** Why the engine suggests the group's keeper; for a keeper the user chose instead, that it was their choice. */
export function keeperReasons(group: DuplicateGroup, keeperPath: string = group.keep): string[] {
  if (keeperPath !== group.keep) return ['your choice'];
  return group.keepReasons.length > 0 ? group.keepReasons : ['the copies tie on every rule'];
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
  '.png': 'PNG',
  '.webp': 'WebP',
  '.avif': 'AVIF',
  '.tif': 'TIFF',
  '.tiff': 'TIFF',
  '.gif': 'GIF',
  '.bmp': 'BMP',
  '.heic': 'HEIC',
  '.heif': 'HEIF',
};

const isPhotoExtension = (ext: string): ext is PhotoExtension => (photoExtensions as readonly string[]).includes(ext);

export function formatOf(path: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  const dotted = `.${ext}`;
  return isPhotoExtension(dotted) ? FORMATS[dotted] : ext ? ext.toUpperCase() : '—';
}
