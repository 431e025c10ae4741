#!/usr/bin/env node
// tradedesk command: registers tsx so the TypeScript sources run directly
// (no build step after `npm install`), then hands over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
