/**
 * esbuild plugins for the snippet build: CSS imported as minified text, and engine.io-client
 * without the transports footfall never uses.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { transform, type Plugin } from 'esbuild';

/** `import css from './widget.css'` gives the file's minified text (for a shadow root). */
export function cssAsText(): Plugin {
  return {
    name: 'footfall-css-text',
    setup(build) {
      build.onLoad({ filter: /\.css$/ }, async (args) => {
        const { code } = await transform(await readFile(args.path, 'utf8'), { loader: 'css', minify: true });
        return { contents: `export default ${JSON.stringify(code.trim())};`, loader: 'js' };
      });
    },
  };
}

/**
 * engine.io-client's default transport table imports WebTransport too, so tree-shaking cannot
 * drop it. The widget only ever asks for websocket and polling: give engine.io that table.
 */
export function slimTransports(): Plugin {
  return {
    name: 'footfall-slim-transports',
    setup(build) {
      build.onResolve({ filter: /^\.\/transports\/index\.js$/ }, (args) => {
        if (!/engine\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/.test(args.importer)) return undefined;
        return { path: path.join(path.dirname(args.importer), 'transports', 'index.js'), namespace: 'footfall-transports' };
      });
      build.onLoad({ filter: /.*/, namespace: 'footfall-transports' }, (args) => ({
        contents: `import { WS } from './websocket.js'; import { XHR } from './polling-xhr.js'; export const transports = { websocket: WS, polling: XHR };`,
        resolveDir: path.dirname(args.path),
        loader: 'js',
      }));
    },
  };
}
