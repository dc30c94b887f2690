/**
 * A polite live region that does not shout: the first figures are not announced (they are
 * on screen to read), later changes at most once per `quietMs`, and then only the latest.
 */

/** The one thing the announcer touches (an element, or a stand-in in unit tests). */
export interface Region {
  textContent: string | null;
}

/** Returns `say(summary)`: call it on every update, it decides when to speak. */
export function announcer(region: Region, quietMs = 60e3): (summary: string) => void {
  let latest = '';
  let spokenAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const speak = (): void => {
    timer = undefined;
    spokenAt = Date.now();
    region.textContent = latest;
  };
  return (summary) => {
    if (summary == latest) return;
    const first = !latest;
    latest = summary;
    // The page just loaded: the first figures count as said.
    if (first) spokenAt = Date.now();
    else timer ||= setTimeout(speak, Math.max(0, spokenAt + quietMs - Date.now()));
  };
}
