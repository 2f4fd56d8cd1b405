// electron-builder afterPack hook: a package must hold its own platform's native binaries and the
// model package. npm installs sharp's binaries for the machine it runs on, so a Windows installer
// built on Linux would silently lack them: fail the build with a message that says what to do.
// CommonJS because electron-builder loads hooks with require().
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** The paths a package for platform/arch must contain, relative to its resources folder. */
function requiredPaths(platform, arch) {
  const unpacked = 'app.asar.unpacked/node_modules';
  return [
    'app.asar',
    `${unpacked}/onnxruntime-node/bin/napi-v6/${platform}/${arch}/onnxruntime_binding.node`,
    `${unpacked}/better-sqlite3/prebuilds/${platform}-${arch}.node`,
    `${unpacked}/@img/sharp-${platform}-${arch}`,
    'native-models/ana-default/manifest.json',
    'native-models/ana-default/model.onnx',
  ];
}

function missingNatives(resourcesDir, platform, arch) {
  return requiredPaths(platform, arch).filter((path) => !existsSync(join(resourcesDir, path)));
}

async function afterPack(context) {
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const resourcesDir = context.packager.getResourcesDir(context.appOutDir);
  const missing = missingNatives(resourcesDir, platform, arch);
  if (missing.length > 0) {
    const present = existsSync(join(resourcesDir, 'app.asar.unpacked/node_modules/@img'))
      ? readdirSync(join(resourcesDir, 'app.asar.unpacked/node_modules/@img')).join(', ')
      : 'none';
    throw new Error(
      `Package for ${platform}-${arch} in ${context.appOutDir} lacks: ${missing.join(', ')} (sharp binaries present: ${present}). ` +
        `npm installs native binaries for the build machine only: build each installer on its own OS (npm ci there), see README "Building installers".`,
    );
  }
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.requiredPaths = requiredPaths;
