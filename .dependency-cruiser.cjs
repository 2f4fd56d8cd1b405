/**
 * Architecture boundaries, checked in CI (`npm run boundaries`). Folders are process boundaries
 * and each native library has exactly one importer. A test plants a forbidden import in a fixture
 * tree and asserts that this configuration reports it.
 */
const NATIVE_OWNERS = [
  ['onnxruntime-node', '^electron/core/inference/engine\\.ts$'],
  ['better-sqlite3', '^electron/core/db/connection\\.ts$'],
  // Test fixtures may write images too (data generation), but no app module besides these.
  ['sharp', '^(electron/core/(slides/decode\\.ts|synth/)|test/fixtures/)'],
  ['onnx-proto', '^electron/core/models/onnx-graph\\.ts$'],
];

module.exports = {
  forbidden: [
    {
      name: 'electron-only-in-shell',
      comment: "Only the Electron shell (main, preload) may import 'electron'; everything else must run in plain Node.",
      severity: 'error',
      from: { pathNot: '^electron/(main|preload)/' },
      to: { path: '(^|/)node_modules/electron/|^electron$', dependencyTypesNot: ['type-only'] },
    },
    ...NATIVE_OWNERS.map(([pkg, owner]) => ({
      name: `${pkg}-single-importer`,
      comment: `${pkg} is imported by exactly one module (${owner}).`,
      severity: 'error',
      from: { pathNot: owner },
      to: { path: `(^|/)node_modules/${pkg}/|^${pkg}$`, dependencyTypesNot: ['type-only'] },
    })),
    {
      name: 'renderer-only-contract',
      comment: 'The renderer imports only its own code, the contract, and browser packages (svelte).',
      severity: 'error',
      from: { path: '^renderer/', pathNot: '\\.d\\.ts$' },
      to: { pathNot: '^(renderer/|electron/contract/|node_modules/(svelte|esm-env|clsx)/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-types-only-from-contract',
      comment: 'Even type imports from the renderer go to the contract only.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^electron/', pathNot: '^electron/contract/' },
    },
    {
      name: 'renderer-ipc-through-services',
      comment: 'Only lib/services/ reaches the API client: views, components and state classes call a <domain>.service.ts (never api.ts itself).',
      severity: 'error',
      from: { path: '^renderer/', pathNot: '^renderer/src/lib/services/' },
      to: { path: '^renderer/src/lib/services/api\\.ts$' },
    },
    {
      name: 'contract-is-pure',
      comment: 'The contract is pure TypeScript: zod and itself, no node, no DOM, no electron.',
      severity: 'error',
      from: { path: '^electron/contract/' },
      to: { pathNot: '^(electron/contract/|node_modules/zod/)' },
    },
    {
      name: 'core-not-into-shell-or-ui',
      comment: 'Core, workers and CLI never reach into the shell or the renderer.',
      severity: 'error',
      from: { path: '^electron/(core|workers|cli)/' },
      to: { path: '^(electron/(main|preload)/|renderer/)' },
    },
    {
      name: 'tests-share-through-support',
      comment: 'Unit, integration and end-to-end tests do not import each other; shared helpers live in test/support or test/fixtures.',
      severity: 'error',
      from: { path: '^test/(unit|integration|e2e|bench)/' },
      to: { path: '^test/(unit|integration|e2e)/', pathNot: '^test/$1/' },
    },
    {
      name: 'no-circular',
      comment: 'No module reaches itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend one way: no folder reaches itself through its modules\' imports (core domains, training wings, renderer layers).',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|test/fixtures/boundaries)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.svelte', '.json'] },
  },
};
