// Types of keyring-bus.js (imported by a TypeScript test).
export declare const TEST_KEYRING_PASSWORD: string;
export declare function keyringBusConfig(dir: string): string;
