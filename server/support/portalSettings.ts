import type { Database } from 'bun:sqlite';

export interface PortalSettingsData {
  notice: string;
  contact: string;
  welcomeMessage: string;
  surveyUrl: string;
}

export class PortalSettings {
  constructor(private db: Database) {}

  get(): PortalSettingsData {
    const r = this.db
      .query<{ notice: string; contact: string; welcome_message: string; survey_url: string }, []>(
        'SELECT notice, contact, welcome_message, survey_url FROM portal_settings WHERE id = 1',
      )
      .get()!;
    return { notice: r.notice, contact: r.contact, welcomeMessage: r.welcome_message, surveyUrl: r.survey_url };
  }

  save(s: PortalSettingsData): void {
    this.db
      .query(
        `UPDATE portal_settings SET notice = ?, contact = ?, welcome_message = ?, survey_url = ?,
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1`,
      )
      .run(s.notice, s.contact, s.welcomeMessage, s.surveyUrl);
  }
}
