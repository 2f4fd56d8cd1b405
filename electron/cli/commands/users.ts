import { parseArgs } from 'node:util';
import { DisplayName, NewPassword, Username } from '../../contract';
import { createFirstAdmin } from '../../core/auth/auth.service';
import { listUsers } from '../../core/db/user.repo';
import { UsageError, type Command } from '../command';
import { databasePath, openExistingDatabase, openOrCreateDatabase } from '../database';
import { loginFromCli, SESSION_OPTIONS } from '../app-session';
import { readSecrets } from '../secret-input';

async function readPassword(): Promise<string> {
  if (process.env.ANA_ADMIN_PASSWORD) return process.env.ANA_ADMIN_PASSWORD;
  return (await readSecrets(['Password of the new administrator:']))[0]!;
}

function check<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${what}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/**
 * `ana users create-admin` (first run: only while the record has no users; may start the record),
 * `ana users add` (an administrator adds a physician or technologist, through the app's own
 * `users/create`) and `ana users list`.
 */
export const usersCommand: Command = {
  name: 'users',
  summary: 'Create the first administrator, add physicians and technologists, list accounts',
  usage:
    'ana users create-admin [--db FILE] --username NAME --name "PRINTED NAME"  (password asked, on stdin or in ANA_ADMIN_PASSWORD)\n' +
    '       ana users add [--db FILE] --as ADMIN --username NAME --name "PRINTED NAME" --role physician|technologist\n' +
    "         (asks the administrator's password, then the new user's; for scripts, one per line on stdin)\n" +
    '       ana users list [--db FILE]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...SESSION_OPTIONS, username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } },
    });
    const sub = positionals.join(' ');
    if (sub === 'list') {
      const db = openExistingDatabase(databasePath(values.db), { readonly: true });
      try {
        for (const u of listUsers(db)) console.log(`${u.id}\t${u.username}\t${u.role}\t${u.active ? 'active' : 'inactive'}\t${u.displayName}`);
        return 0;
      } finally {
        db.close();
      }
    }
    if (sub === 'add') return addUser(values);
    if (sub !== 'create-admin') throw new UsageError(`unknown sub-command '${sub}'`);
    const username = check(Username, values.username, '--username');
    const displayName = check(DisplayName, values.name, '--name');
    const password = check(NewPassword, await readPassword(), 'password');
    const { db, path } = openOrCreateDatabase(values.db);
    try {
      const admin = await createFirstAdmin(db, { username, displayName, password }, { userId: null, name: 'cli:users create-admin' });
      console.log(`Created administrator ${admin.username} (id ${admin.id}) in ${path}.`);
      return 0;
    } finally {
      db.close();
    }
  },
};

async function addUser(values: { db?: string; as?: string; username?: string; name?: string; role?: string }): Promise<number> {
  const username = check(Username, values.username, '--username');
  const displayName = check(DisplayName, values.name, '--name');
  if (values.role !== 'physician' && values.role !== 'technologist') throw new UsageError(`--role must be physician or technologist (got '${values.role ?? ''}')`);
  const role = values.role;
  // The administrator's password first (the login), then the new user's.
  const session = await loginFromCli(databasePath(values.db), values.as);
  try {
    const [password] = await readSecrets([`New password for ${username}:`]);
    const user = await session.call('users/create', { username, displayName, role, password: check(NewPassword, password, 'new password') });
    console.log(`Added ${user.role} ${user.username} (${user.displayName}, id ${user.id}).`);
    return 0;
  } finally {
    await session.close();
  }
}
