// Progress on stderr, only when stderr is a terminal (so scripts and --json consumers see clean output).
import type { JobProgress } from '../engine/library/index.js';

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

export interface ProgressSink {
  update(p: JobProgress, unit?: string): void;
  done(): void;
}

export function progressBar(stream: NodeJS.WritableStream): ProgressSink {
  const tty = stream as NodeJS.WriteStream;
  if (!tty.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  return {
    update(p, unit = 'img') {
      const now = Date.now();
      if (now - last < 100 && p.done < p.total) return;
      last = now;
      const width = 24;
      const frac = p.total > 0 ? p.done / p.total : 0;
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const failed = p.failed ? `, ${p.failed} failed` : '';
      const line = `${bar} ${p.done}/${p.total}${failed}  ${p.rate.toFixed(1)} ${unit}/s  ETA ${formatDuration(p.etaSeconds)}`;
      tty.write(`\r${line.slice(0, (tty.columns ?? 100) - 1)}\x1b[K`);
    },
    done() {
      tty.write('\r\x1b[K');
    },
  };
}
