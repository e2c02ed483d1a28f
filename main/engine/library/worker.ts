/**
 * Analysis worker thread (bundled as out/engine/analysis-worker.js): one
 * track at a time, its own ffmpeg, results posted back to the engine's
 * event loop, which alone writes the database.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorData } from '@contract';
import { useFfmpegFacts, type FfmpegFacts } from '../media/ffmpeg';
import { analyseForLibrary, type AnalyseRequest } from './analyse';

/** 'ffmpeg': the engine's ffmpeg facts (media/ffmpeg.ts ffmpegFacts), the first message a worker gets */
export type ToWorker = { t: 'ffmpeg'; facts: FfmpegFacts } | { t: 'job'; id: number; req: AnalyseRequest } | { t: 'cancel'; id: number };
export type FromWorker =
  | { t: 'progress'; id: number; doneSec: number }
  | { t: 'done'; id: number; result: Awaited<ReturnType<typeof analyseForLibrary>> }
  | { t: 'error'; id: number; error: ReturnType<typeof toErrorData> };

/** least time between two progress messages of one track, ms */
const PROGRESS_MS = 200;

const port = parentPort;
if (port) {
  const running = new Map<number, AbortController>();
  port.on('message', (m: ToWorker) => {
    if (m.t === 'ffmpeg') {
      useFfmpegFacts(m.facts);
      return;
    }
    if (m.t === 'cancel') {
      running.get(m.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(m.id, controller);
    // progress at most every PROGRESS_MS (a message costs the engine's thread as much as a second of audio costs
    // this one to analyse); the last value not yet sent goes before an error, which is where the pool reads it
    let posted = -Infinity;
    let unsent: number | null = null;
    const progress = (doneSec: number) => {
      const now = performance.now();
      if (now - posted < PROGRESS_MS) {
        unsent = doneSec;
        return;
      }
      posted = now;
      unsent = null;
      port.postMessage({ t: 'progress', id: m.id, doneSec } satisfies FromWorker);
    };
    analyseForLibrary(m.req, controller.signal, progress)
      .then(
        (result) => port.postMessage({ t: 'done', id: m.id, result } satisfies FromWorker),
        (err) => {
          if (unsent !== null) port.postMessage({ t: 'progress', id: m.id, doneSec: unsent } satisfies FromWorker);
          port.postMessage({ t: 'error', id: m.id, error: toErrorData(err) } satisfies FromWorker);
        },
      )
      .finally(() => running.delete(m.id));
  });
}
