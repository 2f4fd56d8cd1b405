/**
 * Field-judging worker (core/reading/field-judge.ts): the cell analysis, readability and screening
 * of one decoded field per message, off the reading thread. Protocol:
 *   in:  FieldJudgeRequest {id, fitc (transferred), widthPx, heightPx, pixelSizeUm, rects, profile, options}
 *   out: {id, type: 'verdict', verdict} | {id, type: 'error', code, message}
 */
import { parentPort } from 'node:worker_threads';
import { DomainError } from '../core/errors';
import { judgeField } from '../core/quality/field-verdict';
import type { FieldJudgeRequest, FieldJudgeResponse } from '../core/reading/field-judge';

const port = parentPort;
if (!port) throw new Error('field-judge.worker.ts must run in a worker thread');

port.on('message', (m: FieldJudgeRequest) => {
  let response: FieldJudgeResponse;
  try {
    response = { id: m.id, type: 'verdict', verdict: judgeField(m.fitc, m.widthPx, m.heightPx, m.pixelSizeUm, m.rects, m.profile, m.options) };
  } catch (error) {
    response = { id: m.id, type: 'error', code: error instanceof DomainError ? error.code : 'internal', message: (error as Error).message ?? String(error) };
  }
  port.postMessage(response);
});
