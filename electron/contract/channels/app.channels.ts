/** Application-wide channels. */
import { z } from 'zod';

export const AppInfo = z.object({
  version: z.string(),
  activeModel: z.object({ id: z.string(), version: z.string() }).nullable(),
  executionProvider: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appChannels = {
  'app/info': { request: z.object({}).strict(), response: AppInfo },
} as const;
