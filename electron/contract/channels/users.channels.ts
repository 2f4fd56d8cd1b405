/** User administration (admin only) and the shared user types. */
import { z } from 'zod';
import { lineText, NewPassword } from './text';

export const UserRole = z.enum(['technologist', 'physician', 'admin']);
export type UserRole = z.infer<typeof UserRole>;

export const Username = lineText(200);
export const DisplayName = lineText(200);

export const UserSummary = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: UserRole,
  active: z.boolean(),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
});
export type UserSummary = z.infer<typeof UserSummary>;

export const usersChannels = {
  'users/list': { request: z.object({}).strict(), response: z.array(UserSummary) },
  'users/create': {
    request: z.object({ username: Username, displayName: DisplayName, role: UserRole, password: NewPassword }).strict(),
    response: UserSummary,
  },
  'users/update': {
    request: z
      .object({ userId: z.number().int().positive(), displayName: DisplayName.optional(), role: UserRole.optional(), active: z.boolean().optional() })
      .strict(),
    response: UserSummary,
  },
  'users/reset-password': {
    request: z.object({ userId: z.number().int().positive(), newPassword: NewPassword }).strict(),
    response: z.object({ changed: z.literal(true) }),
  },
} as const;
