// `npm start`: build, then open the desktop app in Electron. Without Electron's binary (npm ci
// installs the package, but the binary is downloaded by a separate step that needs the internet)
// it says so in one paragraph and points to `npm run demo`, instead of a fetch stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { electronBinary } from './electron-binary.mjs';

const binary = electronBinary();
if (!binary) {
  console.error(
    "npm start: Electron's binary is not installed (node_modules/electron/dist is missing). npm ci installs the electron package " +
      'but not its ~100 MB binary, which is downloaded by a separate step that needs the internet — on machines without it the ' +
      'desktop window cannot open. Where the internet is reachable, fetch it once with `node node_modules/electron/install.js` ' +
      'and run `npm start` again. Without it, `npm run demo` reads the demo slides and serves the same workstation UI to your ' +
      'browser on 127.0.0.1.',
  );
  process.exit(1);
}
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const app = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
