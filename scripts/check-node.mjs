// Fails early, with a clear message, on a Node older than the one the native modules need
// (better-sqlite3 13 segfaults on Node 20). Runs before npm test / start / ana.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`This project needs Node 24 or newer; this is Node ${process.versions.node} (${process.execPath}).\n` +
    "Run 'bash tools/setup.sh' once, then use 'bash tools/run <command>' or 'source tools/env.sh'.");
  process.exit(1);
}
