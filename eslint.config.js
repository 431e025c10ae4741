// Lint rules, including the layering the architecture depends on:
// the engine imports no host (electron, react, renderer, main, cli); the
// renderer imports no engine or Node code; shared imports only libraries.
import tseslint from 'typescript-eslint';

const engineBans = {
  patterns: [
    { group: ['electron', 'electron/*'], message: 'the engine never imports electron' },
    { group: ['react', 'react-dom', 'react-dom/*', 'zustand', 'echarts', 'echarts/*'], message: 'the engine never imports UI libraries' },
    { group: ['**/renderer/**', '**/main/**', '**/preload/**', '**/cli/**'], message: 'the engine imports no host' },
  ],
};
const rendererBans = {
  patterns: [
    { group: ['**/engine/**', '**/main/**', '**/cli/**', '**/preload/**'], message: 'the renderer talks to the engine only through src/shared/api' },
    { group: ['electron', 'electron/*', 'node:*', 'fs', 'path', 'child_process', 'ws'], message: 'the renderer has no Node or Electron access' },
  ],
};
const sharedBans = {
  patterns: [
    { group: ['**/engine/**', '**/renderer/**', '**/main/**', '**/cli/**', '**/preload/**'], message: 'shared depends on nothing of ours' },
    { group: ['electron', 'react', 'node:*'], message: 'shared is runtime-neutral' },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  { files: ['src/engine/**/*.ts'], rules: { 'no-restricted-imports': ['error', engineBans] } },
  { files: ['src/renderer/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': ['error', rendererBans] } },
  { files: ['src/shared/**/*.ts'], rules: { 'no-restricted-imports': ['error', sharedBans] } },
  {
    files: ['src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/engine/**', '**/renderer/**', '**/cli/**'], message: 'preload exposes only the shared contract' }] }] },
  },
);
