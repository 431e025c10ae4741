// A secret that cannot leak by accident: String(), template literals,
// JSON.stringify, console.log and util.inspect all print '[REDACTED]'. Only
// reveal() hands out the value, so every use of it is a visible, greppable call.
import { inspect } from 'node:util';

export const REDACTED = '[REDACTED]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('Secret: value must be a string');
    this.#value = value;
  }

  /** The secret itself. Call it only where the value must reach its consumer (a venue client). */
  reveal(): string {
    return this.#value;
  }

  /** Compares without revealing. */
  equals(other: Secret | string): boolean {
    return (other instanceof Secret ? other.reveal() : other) === this.#value;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  valueOf(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  get [Symbol.toStringTag](): string {
    return 'Secret';
  }
}

/** Wraps a value in a Secret (idempotent). */
export function secret(value: string | Secret): Secret {
  return value instanceof Secret ? value : new Secret(value);
}

/**
 * Replaces every occurrence of any of `secrets` in `text` with '[REDACTED]'.
 * Longer secrets go first, so one that contains another is redacted whole.
 * Empty secrets are ignored.
 */
export function redact(text: string, secrets: Iterable<string | Secret | null | undefined>): string {
  const values = [...secrets]
    .map((s) => (s instanceof Secret ? s.reveal() : s))
    .filter((s): s is string => typeof s === 'string' && s.length > 0)
    .sort((a, b) => b.length - a.length);
  let out = String(text);
  for (const v of values) out = out.split(v).join(REDACTED);
  return out;
}
