/**
 * `npm run openapi`: writes docs/openapi.json from the server's own schemas
 * (src/http/openapi.ts). test/http/openapi.test.ts fails while the committed file differs from
 * what the server serves, so run this after changing a route or a schema.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { OPENAPI_FILE, openApiText } from '../src/http/openapi.js';
import { PACKAGE_ROOT } from '../src/paths.js';

writeFileSync(path.join(PACKAGE_ROOT, OPENAPI_FILE), openApiText());
process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
