import { appVersion } from '../../core/paths';
import type { Command } from '../command';

export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the application version',
  usage: 'ana version',
  async run() {
    console.log(appVersion());
    return 0;
  },
};
