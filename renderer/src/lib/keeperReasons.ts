// Why a keeper is suggested, in words. The engine picks the keeper; this only says which of its measurable
// advantages over the other members hold, in the order the default keep-best rules apply them.
import type { DuplicateGroup, GroupMember } from '../../../electron/shared/contract.js';
import { formatBytes } from './format.js';

const pixels = (m: GroupMember) => (m.width ?? 0) * (m.height ?? 0);

export function keeperReasons(group: DuplicateGroup, keeperPath: string = group.keep): string[] {
  const keeper = group.members.find((m) => m.path === keeperPath);
  const others = group.members.filter((m) => m.path !== keeperPath);
  if (!keeper || others.length === 0) return [];
  const reasons: string[] = [];
  if (keeper.reference) reasons.push('in a reference folder');
  if (others.every((o) => pixels(keeper) > pixels(o))) reasons.push(`highest resolution (${keeper.width}×${keeper.height})`);
  else if (others.every((o) => pixels(keeper) >= pixels(o))) reasons.push('full resolution');
  if (others.every((o) => keeper.bytes > o.bytes)) reasons.push(`largest file (${formatBytes(keeper.bytes)})`);
  if (others.every((o) => keeper.mtimeMs < o.mtimeMs)) reasons.push('oldest copy');
  if (reasons.length === 0) reasons.push('first by the keep-best rules (the copies tie)');
  return reasons;
}

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
