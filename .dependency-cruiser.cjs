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

/** Every rule is an error: a boundary that only warns is not a boundary. */
const rule = (name, comment, from, to, extra = {}) => ({ name, comment, severity: 'error', from, to, ...extra });

module.exports = {
  forbidden: [
    rule(
      'electron-only-in-shell',
      "Only the Electron shell (main, preload) may import 'electron'; everything else must run in plain Node.",
      { pathNot: '^electron/(main|preload)/' },
      { path: '(^|/)node_modules/electron/|^electron$', dependencyTypesNot: ['type-only'] },
    ),
    ...NATIVE_OWNERS.map(([pkg, owner]) =>
      rule(`${pkg}-single-importer`, `${pkg} is imported by exactly one module (${owner}).`, { pathNot: owner }, { path: `(^|/)node_modules/${pkg}/|^${pkg}$`, dependencyTypesNot: ['type-only'] }),
    ),
    rule(
      'renderer-only-contract',
      'The renderer imports only its own code, the contract, and browser packages (svelte).',
      { path: '^renderer/', pathNot: '\\.d\\.ts$' },
      { pathNot: '^(renderer/|electron/contract/|node_modules/(svelte|esm-env|clsx)/)', dependencyTypesNot: ['type-only'] },
    ),
    rule('renderer-types-only-from-contract', 'Even type imports from the renderer go to the contract only.', { path: '^renderer/' }, { path: '^electron/', pathNot: '^electron/contract/' }),
    rule(
      'renderer-ipc-through-services',
      'Only lib/services/ reaches the API client: views, components and state classes call a <domain>.service.ts (never api.ts itself).',
      { path: '^renderer/', pathNot: '^renderer/src/lib/services/' },
      { path: '^renderer/src/lib/services/api\\.ts$' },
    ),
    rule('contract-is-pure', 'The contract is pure TypeScript: zod and itself, no node, no DOM, no electron.', { path: '^electron/contract/' }, { pathNot: '^(electron/contract/|node_modules/zod/)' }),
    rule('core-not-into-shell-or-ui', 'Core, workers and CLI never reach into the shell or the renderer.', { path: '^electron/(core|workers|cli)/' }, { path: '^(electron/(main|preload)/|renderer/)' }),
    rule(
      'tests-share-through-support',
      'Unit, integration and end-to-end tests do not import each other; shared helpers live in test/support or test/fixtures.',
      { path: '^test/(unit|integration|e2e|bench)/' },
      { path: '^test/(unit|integration|e2e)/', pathNot: '^test/$1/' },
    ),
    rule('no-circular', 'No module reaches itself through its imports.', {}, { circular: true }),
    rule(
      'no-folder-cycles',
      "Folders depend one way: no folder reaches itself through its modules' imports (core domains, training wings, renderer layers).",
      {},
      { circular: true, dependencyTypesNot: ['type-only'] },
      { scope: 'folder' },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|test/fixtures/boundaries)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.svelte', '.json'] },
  },
};
