// Why a keeper is suggested, in words: the engine's keep-best verdict (its rules in the order Settings gives
// them), and the rule names as Settings shows them.
import type { DuplicateGroup, KeepRule } from '../../../electron/shared/contract.js';

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
  folder: 'Preferred folder',
  pathLength: 'Shortest path',
};

const FORMATS: Record<string, string> = {
  jpg: 'JPEG',
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  heic: 'HEIC',
  heif: 'HEIF',
  avif: 'AVIF',
  gif: 'GIF',
  tif: 'TIFF',
  tiff: 'TIFF',
  bmp: 'BMP',
};

export function formatOf(path: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return FORMATS[ext] ?? (ext ? ext.toUpperCase() : '—');
}
