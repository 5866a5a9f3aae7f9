import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export class MailNotConfigured extends Error {
  constructor() {
    super('e-mail is not configured on this server (set TESSERA_SMTP_HOST)');
  }
}

/** Sends e-mail through the configured SMTP server (nodemailer); refuses clearly when none is configured. */
export class Mailer {
  private transport: Transporter | null;

  constructor(private config: Config) {
    this.transport = config.smtpHost
      ? nodemailer.createTransport({
          host: config.smtpHost,
          port: config.smtpPort,
          secure: config.smtpSecure,
          auth: config.smtpUser ? { user: config.smtpUser, pass: config.smtpPassword } : undefined,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        })
      : null;
  }

  get configured(): boolean {
    return this.transport !== null;
  }

  async send(mail: Mail): Promise<void> {
    if (!this.transport) throw new MailNotConfigured();
    await this.transport.sendMail({ from: this.config.smtpFrom, to: mail.to, subject: mail.subject, text: mail.text });
  }
}
