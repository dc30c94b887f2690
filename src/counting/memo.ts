/**
 * The answers of a pure, costly function of a string for its recent distinct inputs. Real
 * traffic repeats a few hundred User-Agents and referring hosts; inputs chosen to miss cost
 * what they would without it, and memory stays bounded by forgetting everything at once when
 * full, cheaper on the hot path than an LRU.
 */
export function memoize<T>(limit: number, compute: (key: string) => T): (key: string) => T {
  const answers = new Map<string, T>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined) {
      if (answers.size >= limit) answers.clear();
      answer = compute(key);
      answers.set(key, answer);
    }
    return answer;
  };
}
