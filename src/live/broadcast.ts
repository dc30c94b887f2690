/**
 * Emits to a room in slices of a few milliseconds, yielding to the event loop between them:
 * writing one payload to 10,000 sockets in one go blocks the loop for about 175 ms, which hits
 * waiting to be answered would feel.
 */
import type { Server } from 'socket.io';

/** Sockets addressed per emit call. */
const STEP = 50;
/** Longest the loop is held before other work gets a turn. */
const SLICE_MS = 4;

export async function broadcast(io: Server, room: string, emit: (target: ReturnType<Server['to']>) => void): Promise<void> {
  const members = io.sockets.adapter.rooms.get(room);
  if (!members || members.size <= STEP) {
    emit(io.to(room));
    return;
  }
  const ids = [...members];
  let next = 0;
  while (next < ids.length) {
    const started = performance.now();
    while (next < ids.length && performance.now() - started < SLICE_MS) {
      // Every socket is in a room named by its id.
      emit(io.to(ids.slice(next, next + STEP)));
      next += STEP;
    }
    if (next < ids.length) await new Promise((resolve) => setImmediate(resolve));
  }
}
