import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DisplayName, NewPassword, Username } from '../../contract';
import { createFirstAdmin } from '../../core/auth/auth.service';
import { openDatabase } from '../../core/db/connection';
import { listUsers } from '../../core/db/user.repo';
import { UsageError, type Command } from '../command';

async function readPassword(): Promise<string> {
  if (process.env.ANA_ADMIN_PASSWORD) return process.env.ANA_ADMIN_PASSWORD;
  if (process.stdin.isTTY) throw new UsageError('give the password on standard input (e.g. from a password manager) or in ANA_ADMIN_PASSWORD');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function check<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${what}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/** `ana users create-admin` (first run: only while the record has no users) and `ana users list`. */
export const usersCommand: Command = {
  name: 'users',
  summary: 'Create the first administrator of a new record, or list accounts',
  usage: 'ana users create-admin --db FILE --username NAME --name "PRINTED NAME"  (password on stdin or in ANA_ADMIN_PASSWORD)\n       ana users list --db FILE',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, username: { type: 'string' }, name: { type: 'string' } },
    });
    if (!values.db) throw new UsageError('--db FILE is required');
    const sub = positionals.join(' ');
    if (sub === 'list') {
      const db = openDatabase(resolve(values.db), { readonly: true });
      try {
        for (const u of listUsers(db)) console.log(`${u.id}\t${u.username}\t${u.role}\t${u.active ? 'active' : 'inactive'}\t${u.displayName}`);
        return 0;
      } finally {
        db.close();
      }
    }
    if (sub !== 'create-admin') throw new UsageError(`unknown sub-command '${sub}'`);
    const username = check(Username, values.username, '--username');
    const displayName = check(DisplayName, values.name, '--name');
    const password = check(NewPassword, await readPassword(), 'password');
    const db = openDatabase(resolve(values.db));
    try {
      const admin = await createFirstAdmin(db, { username, displayName, password }, { userId: null, name: 'cli:users create-admin' });
      console.log(`Created administrator ${admin.username} (id ${admin.id}) in ${values.db}.`);
      return 0;
    } finally {
      db.close();
    }
  },
};
