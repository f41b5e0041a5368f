// The model's calibration as Settings and Review show it: the stored figures, and the calibrate job (started by
// the button, or by the engine itself after the first scan with a model, which this adopts from its events).
import type { ApiEvents, CalibrationFigures } from '../../../electron/shared/contract.js';
import type { Client } from '../lib/api.js';
import { messageOf } from '../lib/errors.js';
import { JobState } from './job.svelte.js';

type CalibrationClient = Pick<Client, 'getCalibration' | 'startCalibration' | 'cancelJob'>;

export class CalibrationState {
  figures = $state.raw<CalibrationFigures | null>(null);
  error = $state<string | null>(null);
  readonly job = new JobState('calibrate');
  readonly #client: CalibrationClient;

  constructor(client: CalibrationClient) {
    this.#client = client;
  }

  async refresh(): Promise<void> {
    try {
      this.figures = await this.#client.getCalibration();
      this.error = null;
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  async recalibrate(): Promise<void> {
    if (this.job.active) return;
    this.job.starting();
    try {
      this.job.started((await this.#client.startCalibration()).jobId);
    } catch (err) {
      this.job.failedToStart(messageOf(err));
    }
  }

  async cancel(): Promise<void> {
    if (this.job.id !== null && this.job.active) await this.#client.cancelJob({ jobId: this.job.id });
  }

  /** Progress of a calibration the engine started on its own shows here too. */
  onProgress(event: ApiEvents['jobProgress']): void {
    if (event.kind === 'calibrate' && event.jobId !== this.job.id && !this.job.active) {
      this.job.adopt({ jobId: event.jobId, kind: 'calibrate', state: 'running', progress: event.progress, startedAt: Date.now() });
    }
    this.job.onProgress(event);
  }
}
