/**
 * The one typed API between renderer and main. Each channel has a request and a response schema
 * (zod), declared in one file per domain beside this one; every request is validated by the
 * transport before it reaches a handler. Types are derived from the schemas so they cannot drift.
 *
 * Slide pixels never travel as JSON: the renderer loads them from `slideImagePath(slideId)`,
 * served by the `app://` protocol in Electron and by the same path on the loopback test host.
 */
import type { z } from 'zod';
import { appChannels } from './app.channels';
import { casesChannels } from './cases.channels';
import { authChannels } from './auth.channels';
import { reviewChannels } from './review.channels';
import { reportsChannels } from './reports.channels';
import { usersChannels } from './users.channels';
import { viewerChannels } from './viewer.channels';
import { modelsChannels } from './models.channels';
import { finetuneChannels } from './finetune.channels';
import { readingChannels } from './reading.channels';
import { settingsChannels } from './settings.channels';
import { qcChannels } from './qc.channels';

export * from './app.channels';
export * from './cases.channels';
export * from './auth.channels';
export * from './review.channels';
export * from './reports.channels';
export * from './users.channels';
export * from './text';
export * from './viewer.channels';
export * from './models.channels';
export * from './finetune.channels';
export * from './reading.channels';
export * from './settings.channels';
export * from './qc.channels';

/** Channel name → request and response schema. Add a domain's channels by spreading them here. */
export const channels = {
  ...appChannels,
  ...casesChannels,
  ...authChannels,
  ...reviewChannels,
  ...reportsChannels,
  ...usersChannels,
  ...viewerChannels,
  ...modelsChannels,
  ...finetuneChannels,
  ...readingChannels,
  ...settingsChannels,
  ...qcChannels,
} as const;

export type Channels = typeof channels;
export type Channel = keyof Channels;
/** What the renderer sends (before defaults are applied). */
export type RequestOf<C extends Channel> = z.input<Channels[C]['request']>;
/** What a handler receives (after validation and defaults). */
export type ParsedRequestOf<C extends Channel> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends Channel> = z.infer<Channels[C]['response']>;

/** A slide's display channels: the FITC signal, and the DAPI counterstain of two-channel files. */
export type SlideImageChannel = 'fitc' | 'dapi';

/** Relative URL of a slide's display image (one grey rendition per channel); both transports serve it at this path. */
export function slideImagePath(slideId: number, channel: SlideImageChannel = 'fitc'): string {
  return `slides/${slideId}/${channel === 'fitc' ? 'image' : 'dapi'}`;
}

/** The slide and channel of a request path for `slideImagePath` (with its leading '/'), or null for any other path. */
export function slideImageOfPath(pathname: string): { slideId: number; channel: SlideImageChannel } | null {
  const match = /^\/slides\/(\d+)\/(image|dapi)$/.exec(pathname);
  return match ? { slideId: Number(match[1]), channel: match[2] === 'image' ? 'fitc' : 'dapi' } : null;
}
