/** Messages between the live scenario and its client processes (live-worker.ts), over IPC. */

export type ToWorker =
  /** `paths`: the pages each client asks about (`auth.paths`, as a listing page's slots do). */
  | { type: 'connect'; url: string; count: number; firstVisitor: number; concurrency: number; site: string; origin: string; paths?: string[] }
  /** Each client notes when a `counts` event first shows more views than it has seen so far. */
  | { type: 'arm' }
  | { type: 'collect' }
  | { type: 'events' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'connected'; ok: number; failed: number; errors: Record<string, number>; seconds: number }
  /** Every armed client has seen the new figures. */
  | { type: 'all-received' }
  /** Epoch ms (sub-ms precision) at which each client saw the new figures; 0: not seen. */
  | { type: 'collected'; times: number[]; disconnected: number }
  /** `counts` events received per client since the last `events` message. */
  | { type: 'events'; perClient: number[] }
  | { type: 'closed' };
