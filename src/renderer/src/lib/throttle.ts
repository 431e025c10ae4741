// Trailing throttle: calls `fn` at most once per `ms`, and always once after
// the last trigger, so a burst of triggers becomes one call per interval.
export interface Throttled {
  trigger(): void;
  cancel(): void;
}

export function throttle(fn: () => void, ms: number, now: () => number = Date.now): Throttled {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = now();
    fn();
  };
  return {
    trigger() {
      if (timer !== null) return;
      const wait = last + ms - now();
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
