/** Parses `FOOTFALL_STORE` into the description of one backend. */
export type StoreUrl =
  | { kind: 'memory' }
  | { kind: 'sqlite'; path: string }
  | { kind: 'redis'; url: string }
  | { kind: 'redis-cluster'; nodes: Array<{ host: string; port: number }>; tls: boolean; password?: string; username?: string };

export const STORE_URL_FORMS =
  'memory:, sqlite:PATH, redis://[user:password@]host:port[/db], rediss://…, or redis+cluster://host:port,host:port';

/** Returns the parsed URL, or a sentence saying what is wrong with it. */
export function parseStoreUrl(value: string): StoreUrl | string {
  if (value === 'memory:') return { kind: 'memory' };
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    return path ? { kind: 'sqlite', path } : 'sqlite: needs a file path, e.g. sqlite:./data/footfall.db';
  }
  if (value.startsWith('redis://') || value.startsWith('rediss://')) {
    try {
      new URL(value);
    } catch {
      return `"${value}" is not a valid Redis URL`;
    }
    return { kind: 'redis', url: value };
  }
  const cluster = /^redis(s?)\+cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)\/?$/.exec(value);
  if (cluster) {
    const nodes = [];
    for (const node of (cluster[4] ?? '').split(',')) {
      const match = /^([^:,]+):(\d{1,5})$/.exec(node.trim());
      if (!match) return `"${node}" in ${value} is not host:port`;
      nodes.push({ host: match[1] ?? '', port: Number(match[2]) });
    }
    return {
      kind: 'redis-cluster',
      nodes,
      tls: cluster[1] === 's',
      username: cluster[2] ? decodeURIComponent(cluster[2]) : undefined,
      password: cluster[3] ? decodeURIComponent(cluster[3]) : undefined,
    };
  }
  return `"${value}" is not one of ${STORE_URL_FORMS}`;
}
