/**
 * A full garbage collection in another Node process, through its inspector (started with
 * `--inspect=127.0.0.1:0`): memory read right after a connection storm holds that storm's
 * garbage, which a real server sheds by its next major GC. Loopback only.
 */
import { WebSocket } from 'ws';

/** The inspector's WebSocket URL from the process' output ("Debugger listening on ws://…"). */
export function inspectorUrl(output: readonly string[]): string | undefined {
  for (const line of output) {
    const match = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** Runs `HeapProfiler.collectGarbage` in the process behind `url`; bounded by `timeoutMs`. */
export function collectGarbage(url: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no answer from the inspector within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
      if (message.id !== 1) return;
      clearTimeout(timer);
      socket.close();
      if (message.error) reject(new Error(message.error.message));
      else resolve();
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
