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

// Electron security (docs/security.md): settings and calls the checklist forbids,
// refused in the Electron code (src/main, src/preload). The security-relevant
// webPreferences must be literals, so no variable can switch one off.
const SECURITY_KEYS = 'nodeIntegration|nodeIntegrationInWorker|nodeIntegrationInSubFrames|contextIsolation|sandbox|webSecurity|allowRunningInsecureContent|experimentalFeatures|webviewTag';
export const electronSecurityRules = [
  { selector: "Property[key.name='nodeIntegration'][value.value=true]", message: 'Electron security: nodeIntegration must stay false' },
  { selector: "Property[key.name='nodeIntegrationInWorker'][value.value=true]", message: 'Electron security: nodeIntegrationInWorker must stay false' },
  { selector: "Property[key.name='nodeIntegrationInSubFrames'][value.value=true]", message: 'Electron security: nodeIntegrationInSubFrames must stay false' },
  { selector: "Property[key.name='contextIsolation'][value.value=false]", message: 'Electron security: contextIsolation must stay true' },
  { selector: "Property[key.name='sandbox'][value.value=false]", message: 'Electron security: sandbox must stay true' },
  { selector: "Property[key.name='webSecurity'][value.value=false]", message: 'Electron security: webSecurity must stay true' },
  { selector: "Property[key.name='allowRunningInsecureContent'][value.value=true]", message: 'Electron security: allowRunningInsecureContent must stay false' },
  { selector: "Property[key.name='experimentalFeatures'][value.value=true]", message: 'Electron security: no experimental features' },
  { selector: "Property[key.name='webviewTag'][value.value=true]", message: 'Electron security: no <webview>' },
  { selector: "Property[key.name='enableBlinkFeatures']", message: 'Electron security: do not use enableBlinkFeatures' },
  { selector: "Property[key.name='enableRemoteModule']", message: 'Electron security: the remote module is gone and must not come back' },
  { selector: "Property[key.name='allowpopups']", message: 'Electron security: no allowpopups' },
  { selector: "Property[key.name='bypassCSP'][value.value=true]", message: 'Electron security: a scheme must not bypass the CSP' },
  { selector: `Property[key.name=/^(${SECURITY_KEYS})$/][value.type!='Literal']`, message: 'Electron security: security webPreferences must be literal true/false, not computed' },
  { selector: "CallExpression[callee.property.name='openExternal'][arguments.0.type!='Literal']", message: 'Electron security: shell.openExternal only with a literal URL' },
  { selector: "CallExpression[callee.property.name='loadURL'] > Literal.arguments[value=/^http:/]", message: 'Electron security: load only secure content (no http:)' },
  { selector: "CallExpression[callee.property.name='loadFile']", message: 'Electron security: serve the UI from app:// (app-protocol.ts), not file://' },
  { selector: "CallExpression[callee.property.name=/^register(File|Buffer|String|Http|Stream)Protocol$/]", message: 'Electron security: use protocol.handle with the checked app:// handler' },
  { selector: "CallExpression[callee.property.name='appendSwitch'] > Literal.arguments[value=/^(ignore-certificate-errors|disable-web-security|no-sandbox|disable-site-isolation-trials|allow-insecure-localhost)$/]", message: 'Electron security: this command-line switch disables a protection' },
  { selector: "CallExpression[callee.property.name='exposeInMainWorld'] Identifier[name='ipcRenderer']", message: 'Electron security: never expose ipcRenderer (or its methods) to the page; expose contract functions' },
  { selector: "CallExpression[callee.object.name='ipcRenderer'][callee.property.name=/^(send|sendSync|invoke|on|once)$/][arguments.0.type='Identifier'][arguments.0.name!=/^IPC_[A-Z_]+_CHANNEL$/]", message: 'Electron security: IPC channels must be literals or IPC_*_CHANNEL constants, never chosen by the page' },
  { selector: "CallExpression[callee.object.name='ipcRenderer'][callee.property.name=/^(send|sendSync|invoke|on|once)$/][arguments.0.type!='Identifier'][arguments.0.type!='Literal']", message: 'Electron security: IPC channels must be literals or IPC_*_CHANNEL constants, never chosen by the page' },
  { selector: "CallExpression[callee.property.name='setPermissionRequestHandler'] ArrowFunctionExpression CallExpression[callee.name='callback'] > Literal[value=true]", message: 'Electron security: permission requests are denied (callback(false))' },
];

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
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...electronSecurityRules],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/engine/**', '**/renderer/**', '**/cli/**'], message: 'preload exposes only the shared contract' }] }] },
  },
);
