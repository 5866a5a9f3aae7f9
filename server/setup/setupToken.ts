import { constantTimeEqual, randomSecret } from '../auth/secrets.ts';

/**
 * The one-time token that lets the first admin be created. It lives only in memory: a restart before setup
 * prints a new one, and it is forgotten once used.
 */
export class SetupToken {
  private token: string | null;

  constructor(needed: boolean) {
    this.token = needed ? randomSecret(18) : null;
  }

  get value(): string | null {
    return this.token;
  }

  matches(candidate: string): boolean {
    return this.token !== null && constantTimeEqual(candidate, this.token);
  }

  consume(): void {
    this.token = null;
  }
}
