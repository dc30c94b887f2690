/**
 * The one list of paths a page subscribes to: every path its `page.views` slots show, each
 * once, in page order, within what the server takes. No DOM here, so unit tests can run it.
 */
import { MAX_ASKED_PATHS, targetOf } from '../../src/counting/page-path.js';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../src/live/events.js';

/** Room in the handshake message for what socket.io and engine.io add around `auth`. */
const FRAMING_BYTES = 64;

const utf8 = new TextEncoder();
const bytes = (value: unknown): number => utf8.encode(JSON.stringify(value)).length;

/**
 * The distinct paths of `shown` the server will answer, first come first served: at most
 * MAX_ASKED_PATHS, and no more than fit one handshake message (a longer one would close the
 * connection, widget and all). Anything that is not a path is left out here as the server
 * would leave it out, so the answer's positions stay those of this list.
 */
export function watchList(site: string, shown: Iterable<string | undefined>): string[] {
  const list: string[] = [];
  let size = bytes({ site, paths: [] }) + FRAMING_BYTES;
  for (const path of shown) {
    if (list.length == MAX_ASKED_PATHS) break;
    if (path === undefined || list.includes(path) || targetOf(path) === undefined) continue;
    size += bytes(path) + 1;
    if (size > MAX_CLIENT_MESSAGE_BYTES) break;
    list.push(path);
  }
  return list;
}
