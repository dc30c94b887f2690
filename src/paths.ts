/** Where footfall's own files are, from source (tsx) or from the build (dist/). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('footfall: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = packageRoot();
/** Static pages: the demo page at `/` and the ops dashboard. */
export const PUBLIC_DIR = path.join(PACKAGE_ROOT, 'public');
/** The browser snippet as esbuild writes it (`npm run build:client`). */
export const CLIENT_DIR = path.join(PACKAGE_ROOT, 'dist', 'client');
