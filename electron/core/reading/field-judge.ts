/**
 * Judging a field (core/quality/field-verdict.ts: cells, readability, screening, which patches hold
 * cells) in a worker thread, so that the reader's thread decodes and cuts other slides meanwhile:
 * with a cheap model the cell analysis is the largest stage on that thread, and a second core
 * otherwise idles (docs/results.md, "Reading throughput"). The decoded plane is copied to the
 * worker (the reader still cuts patches from it). If the worker dies, fields are judged in this
 * thread from then on: no slide fails because of it, and the verdict is the same.
 */
import { startWorker, workerEntryPath } from '../worker-entry';
import { DomainError, type ErrorCode } from '../errors';
import { judgeField, type FieldVerdict } from '../quality/field-verdict';
import type { AnalysisOptions } from '../quality/analyse-field';
import type { SlideRect } from '../slides/grid';
import type { MicroscopeProfile } from '../slides/microscope-profile';

export type FieldJudge = (
  fitc: Float32Array,
  widthPx: number,
  heightPx: number,
  pixelSizeUm: number,
  rects: SlideRect[],
  profile: MicroscopeProfile | null,
  options: Pick<AnalysisOptions, 'acquisition'>,
) => Promise<FieldVerdict>;

export const judgeInProcess: FieldJudge = async (...args) => judgeField(...args);

/** One field to judge; `fitc` is the worker's own copy (transferred). */
export interface FieldJudgeRequest {
  id: number;
  fitc: Float32Array;
  widthPx: number;
  heightPx: number;
  pixelSizeUm: number;
  rects: SlideRect[];
  profile: MicroscopeProfile | null;
  options: Pick<AnalysisOptions, 'acquisition'>;
}
export type FieldJudgeResponse = { id: number; type: 'verdict'; verdict: FieldVerdict } | { id: number; type: 'error'; code: ErrorCode; message: string };

export interface FieldJudgeWorker {
  judge: FieldJudge;
  /** Stops the worker; anything still waiting is judged in this thread. */
  close(): Promise<void>;
}

export function startFieldJudgeWorker(options: { workerPath?: string; log?: (message: string) => void } = {}): FieldJudgeWorker {
  const log = options.log ?? (() => undefined);
  const worker = startWorker(options.workerPath ?? workerEntryPath('field-judge'));
  const pending = new Map<number, { resolve: (v: FieldVerdict) => void; reject: (e: Error) => void; inThisThread: () => void }>();
  let nextId = 1;
  let gone = false;
  let closing = false;
  const takeOver = (why: string) => {
    if (gone) return;
    gone = true;
    if (!closing) log(`field analysis worker ${why}; judging fields in the reading thread from now on`);
    for (const p of pending.values()) p.inThisThread();
    pending.clear();
  };
  worker.on('message', (message: FieldJudgeResponse) => {
    const p = pending.get(message.id);
    pending.delete(message.id);
    if (message.type === 'verdict') p?.resolve(message.verdict);
    else p?.reject(new DomainError(message.code, message.message));
  });
  worker.on('error', (error) => takeOver(`crashed (${error.message})`));
  worker.on('exit', (code) => takeOver(`exited (code ${code})`));
  return {
    judge(fitc, widthPx, heightPx, pixelSizeUm, rects, profile, analysisOptions) {
      if (gone) return judgeInProcess(fitc, widthPx, heightPx, pixelSizeUm, rects, profile, analysisOptions);
      return new Promise<FieldVerdict>((resolve, reject) => {
        const id = nextId++;
        const inThisThread = () => judgeInProcess(fitc, widthPx, heightPx, pixelSizeUm, rects, profile, analysisOptions).then(resolve, reject);
        pending.set(id, { resolve, reject, inThisThread });
        const copy = fitc.slice();
        const request: FieldJudgeRequest = { id, fitc: copy, widthPx, heightPx, pixelSizeUm, rects, profile, options: analysisOptions };
        worker.postMessage(request, [copy.buffer]);
      });
    },
    async close() {
      closing = true;
      await worker.terminate();
      takeOver('closed');
    },
  };
}
