// Parsing the printed UI URL into the WebSocket URL the clients connect to.
import { describe, expect, it } from 'vitest';
import { wsUrlFromUiUrl } from '../../../src/cli/ws-client.js';

describe('wsUrlFromUiUrl', () => {
  it('turns http://127.0.0.1:PORT/#token=T into ws://127.0.0.1:PORT/ws?token=T', () => {
    expect(wsUrlFromUiUrl('http://127.0.0.1:5317/#token=abc_DEF-123')).toBe('ws://127.0.0.1:5317/ws?token=abc_DEF-123');
  });

  it('accepts a ws URL that already has a token', () => {
    expect(wsUrlFromUiUrl('ws://127.0.0.1:9/ws?token=t')).toBe('ws://127.0.0.1:9/ws?token=t');
  });

  it('refuses URLs without a token or with another scheme, saying why', () => {
    expect(() => wsUrlFromUiUrl('http://127.0.0.1:5317/')).toThrow('#token=');
    expect(() => wsUrlFromUiUrl('ftp://127.0.0.1/#token=x')).toThrow('unsupported URL scheme');
    expect(() => wsUrlFromUiUrl('not a url')).toThrow('not a URL');
  });
});
