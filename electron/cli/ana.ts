/** The `ana` entry point (bin/ana.mjs runs it, or its build in dist/cli). */
import { main } from './main';

process.exitCode = await main(process.argv.slice(2));
