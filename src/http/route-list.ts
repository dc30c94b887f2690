/**
 * The routes an Express router answers, read from the router itself (router's `listRoutes`,
 * recursing into mounted routers), so the API document is checked against what really
 * answers rather than a list kept by hand. Paths are written as the document writes them:
 * `/api/v1/sites/{site}/history`. Plain middleware (static files) is not a route.
 */

export interface RouteEntry {
  /** Upper case: `GET`, `PUT`… (`HEAD` comes with every `GET`). */
  method: string;
  path: string;
}

export interface ListsRoutes {
  listRoutes(): Array<{ path: string | RegExp; methods?: string[]; router?: unknown }>;
}

function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** Every method and path `router` answers, mounted under `prefix`. */
export function routesOf(router: ListsRoutes, prefix = ''): RouteEntry[] {
  return router.listRoutes().flatMap(({ path, methods, router: mounted }): RouteEntry[] => {
    if (typeof path !== 'string') throw new Error(`a route matched by a pattern (${String(path)}) cannot be described`);
    const full = prefix + (path === '/' && mounted ? '' : path);
    if (mounted) return routesOf(mounted as ListsRoutes, full);
    return (methods ?? []).map((method) => ({ method, path: openApiPath(full) }));
  });
}
