/** Runs a callback so that nothing it throws reaches socket.io or the host page. */
export function guard<A extends unknown[]>(run: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      run(...args);
    } catch {
      // A broken element must not take the counter (or the page) down with it.
    }
  };
}
