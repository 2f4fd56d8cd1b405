/** Who is logged in on this window. The core keeps the session; this mirrors it for the UI. */
import type { SessionUser } from '../../../../electron/contract';
import * as auth from '../services/auth.service';
import { handleError } from '../services/errors.svelte';

export class SessionState {
  user = $state<SessionUser | null>(null);
  needsFirstAdmin = $state(false);
  checked = $state(false);

  readonly canSign = $derived(this.user?.role === 'physician');
  readonly isAdmin = $derived(this.user?.role === 'admin');

  async refresh(): Promise<void> {
    try {
      const status = await auth.sessionStatus();
      this.user = status.user;
      this.needsFirstAdmin = status.needsFirstAdmin;
    } catch (error) {
      handleError(error);
    } finally {
      this.checked = true;
    }
  }

  async login(username: string, password: string): Promise<boolean> {
    try {
      this.user = await auth.login(username, password);
      return true;
    } catch (error) {
      handleError(error);
      return false;
    }
  }

  async createFirstAdmin(username: string, displayName: string, password: string): Promise<boolean> {
    try {
      this.user = await auth.createFirstAdmin(username, displayName, password);
      this.needsFirstAdmin = false;
      return true;
    } catch (error) {
      handleError(error);
      return false;
    }
  }

  async logout(): Promise<void> {
    try {
      await auth.logout();
    } catch (error) {
      handleError(error);
    }
    this.user = null;
  }

  reset(): void {
    this.user = null;
    this.needsFirstAdmin = false;
    this.checked = false;
  }
}

export const session = new SessionState();
