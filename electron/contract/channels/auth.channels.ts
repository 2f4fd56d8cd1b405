/** Login, logout and the first-run creation of an administrator. */
import { z } from 'zod';
import { NewPassword, Password } from './text';
import { DisplayName, Username, UserRole } from './users.channels';

export const SessionUser = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: UserRole,
});
export type SessionUser = z.infer<typeof SessionUser>;

export const authChannels = {
  /** Who is logged in on this window, and whether the workstation still needs its first admin. */
  'auth/status': {
    request: z.object({}).strict(),
    response: z.object({ user: SessionUser.nullable(), needsFirstAdmin: z.boolean() }),
  },
  'auth/login': {
    request: z.object({ username: z.string().min(1, 'must not be empty').max(200), password: Password }).strict(),
    response: SessionUser,
  },
  'auth/logout': { request: z.object({}).strict(), response: z.object({ loggedOut: z.boolean() }) },
  /** Only while the record has no users at all; logs the new admin in. */
  'auth/create-first-admin': {
    request: z.object({ username: Username, displayName: DisplayName, password: NewPassword }).strict(),
    response: SessionUser,
  },
  'auth/change-password': {
    request: z.object({ currentPassword: Password, newPassword: NewPassword }).strict(),
    response: z.object({ changed: z.literal(true) }),
  },
} as const;
