/**
 * Reading the API contract for tests: the HTTP exchanges of docs/api.md (```http request and
 * ```http response blocks), and the OpenAPI document's operations with validators for their
 * schemas (ajv, JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

export type Json = Record<string, unknown>;

export interface Exchange {
  /** 1-based line of the request block in the file, for messages. */
  line: number;
  request: { method: string; target: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string };
}

function headersAndBody(lines: string[]): { headers: Record<string, string>; body: string } {
  const blank = lines.indexOf('');
  const headerLines = blank < 0 ? lines : lines.slice(0, blank);
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { headers, body: blank < 0 ? '' : lines.slice(blank + 1).join('\n').trim() };
}

/** Every request block of `markdown` with the response block that follows it. */
export function exchangesOf(markdown: string): Exchange[] {
  const blocks = [...markdown.matchAll(/^```http (request|response)\n([\s\S]*?)^```$/gm)].map((match) => ({
    kind: match[1] as 'request' | 'response',
    lines: (match[2] ?? '').replace(/\n$/, '').split('\n'),
    line: markdown.slice(0, match.index).split('\n').length,
  }));
  const exchanges: Exchange[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    if (block.kind !== 'request') continue;
    const answer = blocks[i + 1];
    if (answer?.kind !== 'response') throw new Error(`docs/api.md:${block.line}: a request block without a response block after it`);
    const [method = '', target = ''] = (block.lines[0] ?? '').split(' ');
    const status = Number((answer.lines[0] ?? '').split(' ')[1]);
    exchanges.push({
      line: block.line,
      request: { method, target, ...headersAndBody(block.lines.slice(1)) },
      response: { status, ...headersAndBody(answer.lines.slice(1)) },
    });
  }
  return exchanges;
}

export interface Operation {
  method: string;
  /** As the document writes it: `/api/v1/sites/{site}/counts`. */
  path: string;
  object: Json & { responses: Record<string, Json>; parameters?: Json[]; requestBody?: Json; security?: Json[] };
}

export function operationsOf(document: Json): Operation[] {
  return Object.entries(document.paths as Record<string, Record<string, Operation['object']>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, object]) => ({ method: method.toUpperCase(), path, object })),
  );
}

/** The documented operation a request goes to: an exact path before a templated one. */
export function operationFor(operations: Operation[], method: string, pathname: string): Operation | undefined {
  const candidates = operations.filter((operation) => operation.method === method && new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname));
  return candidates.find((operation) => !operation.path.includes('{')) ?? candidates[0];
}

const BASE = 'https://footfall.test/openapi.json';

/** `#/components/…` made absolute, so a schema compiled alone still finds the components. */
function absoluteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absoluteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, key === '$ref' && typeof inner === 'string' && inner.startsWith('#/') ? `${BASE}${inner}` : absoluteRefs(inner)]),
  );
}

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** Compiles schemas of `document` (JSON Schema 2020-12, formats checked). */
export class SchemaValidator {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true, strictTypes: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: Json) {
    addFormats(this.ajv);
    // The components as one schema resource; `components` is no keyword, so it is declared as one.
    this.ajv.addKeyword({ keyword: 'components', schemaType: 'object' });
    this.ajv.addSchema({ $id: BASE, components: absoluteRefs((document as { components: Json }).components) });
  }

  /** Error text, or undefined when `value` is valid against `schema`. */
  check(schema: Json, value: unknown): string | undefined {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(absoluteRefs(schema) as Json);
      this.compiled.set(key, validate);
    }
    return validate(value) ? undefined : this.ajv.errorsText(validate.errors, { separator: '; ' });
  }
}
