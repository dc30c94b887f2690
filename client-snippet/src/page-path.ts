/** The current path as the server names it (`normalisePath`: escapes decoded when valid). */
export function pagePath(): string {
  const path = location.pathname;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}
