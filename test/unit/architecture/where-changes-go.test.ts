/**
 * docs/architecture.md's map checked against the tree: every file and folder it names exists, and
 * every contract domain has its one handler module in the core folder named after it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../electron/core/paths';

const root = projectRoot();
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('docs/architecture.md', () => {
  it('names only paths that exist', () => {
    const named = [...doc.matchAll(/`((?:electron|renderer|test|docs)\/[^`<>*\s]+)`/g)].map((m) => m[1]!.replace(/\/$/, ''));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  it('holds: one handler module per contract domain, in the core folder named after the domain', () => {
    const domains = readdirSync(join(root, 'electron/contract/channels'))
      .filter((f) => f.endsWith('.channels.ts'))
      .map((f) => f.replace('.channels.ts', ''))
      .filter((d) => d !== 'app'); // 'app/info' is answered by the composition root itself (core/app.ts)
    const handlers = filesUnder('electron/core').filter((f) => f.endsWith('.handlers.ts'));
    for (const domain of domains) {
      const homes = handlers.filter((f) => f.endsWith(`/${domain}/${domain}.handlers.ts`));
      expect(homes, `contract domain '${domain}'`).toHaveLength(1);
    }
    expect(handlers).toHaveLength(domains.length);
  });
});
