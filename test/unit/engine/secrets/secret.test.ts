// The Secret wrapper never prints or serializes its value; redact() scrubs text.
import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REDACTED, Secret, redact, secret } from '../../../../src/engine/secrets/secret.js';

const VALUE = 'sk-UNIT-7f3a9c-SECRET';

describe('Secret', () => {
  const s = new Secret(VALUE);

  it('reveals the value only through reveal()', () => {
    expect(s.reveal()).toBe(VALUE);
    expect(s.equals(VALUE)).toBe(true);
    expect(s.equals(new Secret(VALUE))).toBe(true);
    expect(s.equals('other')).toBe(false);
  });

  it('prints [REDACTED] in every accidental form', () => {
    const forms = [
      String(s),
      `${s}`,
      'x' + s,
      s.toString(),
      JSON.stringify(s),
      JSON.stringify({ nested: { s }, list: [s] }),
      inspect(s),
      inspect({ deep: { deeper: { s } } }, { depth: 10 }),
      inspect(s, { showHidden: true }),
      format('%s %o %O %j', s, s, s, s),
      format(s),
      Object.keys(s).join(','),
      JSON.stringify(Object.entries(s)),
      JSON.stringify({ ...s }),
      JSON.stringify(structuredClone({ s })),
    ];
    for (const f of forms) expect(f).not.toContain(VALUE);
    expect(String(s)).toBe(REDACTED);
    expect(JSON.stringify(s)).toBe(JSON.stringify(REDACTED));
    expect(inspect(s)).toBe(REDACTED);
  });

  it('is not leaked by an Error message or console formatting of an object holding it', () => {
    const e = new Error(`bad key ${s}`);
    expect(e.message).not.toContain(VALUE);
    expect(inspect({ error: e, s })).not.toContain(VALUE);
  });

  it('secret() wraps once', () => {
    expect(secret(s)).toBe(s);
    expect(secret(VALUE).reveal()).toBe(VALUE);
  });

  it('rejects a non-string value', () => {
    expect(() => new Secret(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('redact', () => {
  it('replaces every occurrence of every secret', () => {
    const text = `key=${VALUE} again ${VALUE} and pw=hunter2`;
    const out = redact(text, [VALUE, new Secret('hunter2')]);
    expect(out).toBe(`key=${REDACTED} again ${REDACTED} and pw=${REDACTED}`);
  });

  it('redacts the longer of overlapping secrets whole', () => {
    expect(redact('abcdef', ['abc', 'abcdef'])).toBe(REDACTED);
  });

  it('ignores empty, null and undefined secrets', () => {
    expect(redact('plain text', ['', null, undefined])).toBe('plain text');
  });

  it('treats secrets literally, not as patterns', () => {
    expect(redact('a.b a+b', ['a+b'])).toBe(`a.b ${REDACTED}`);
  });
});
