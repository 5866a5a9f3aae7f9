// The portal checks identity fields in the browser (client/src/portal/validation.ts) before the server does
// (server/support/identityFields.ts). Both must accept and refuse the same values with the same words.
import { Database } from 'bun:sqlite';
import { describe, expect, it } from 'vitest';
import { checkFields } from '../../client/src/portal/validation.ts';
import { MAX_CHAT_CHARS as CLIENT_MAX_CHAT } from '../../client/src/portal/api.ts';
import { migrations } from '../assets.ts';
import { migrate } from '../db/migrate.ts';
import { IdentityFields, type IdentityField } from '../support/identityFields.ts';
import { MAX_CHAT_CHARS } from '../support/routes.ts';

const FIELDS: IdentityField[] = [
  { slot: 1, shown: true, required: true, label: 'Name', type: 'text', maxLength: 20, pattern: '', example: '', crmUrl: '' },
  { slot: 2, shown: true, required: false, label: 'E-mail', type: 'email', maxLength: 40, pattern: '', example: '', crmUrl: '' },
  { slot: 3, shown: true, required: false, label: 'Phone', type: 'phone', maxLength: 20, pattern: '', example: '', crmUrl: '' },
  { slot: 4, shown: true, required: true, label: 'Customer number', type: 'number', maxLength: 8, pattern: '\\d{5}', example: '12345', crmUrl: '' },
];

const INPUTS: Record<string, string>[] = [
  {},
  { '1': 'Pat', '4': '12345' },
  { '1': '  Pat  ', '4': ' 12345 ' },
  { '1': '   ', '4': '12345' },
  { '1': 'x'.repeat(21), '4': '12345' },
  { '1': 'Pat\u0007', '4': '12345' },
  { '1': 'Pat', '2': 'pat@example', '4': '12345' },
  { '1': 'Pat', '2': 'pat@example.com', '3': '+41 (0)44 123.45-67', '4': '12345' },
  { '1': 'Pat', '3': 'call me', '4': '12345' },
  { '1': 'Pat', '3': '12', '4': '12345' },
  { '1': 'Pat', '4': '1234' },
  { '1': 'Pat', '4': '-12345' },
  { '1': 'Pat', '4': '12a45' },
  { '1': 'Pat', '4': '123456789' },
  { '1': 'Zoë 😀', '2': 'zoë@exämple.org', '4': '00001' },
];

describe('identity fields: the portal checks as the server does', () => {
  const db = new Database(':memory:', { strict: true });
  migrate(db, migrations());
  const server = new IdentityFields(db);
  server.save(FIELDS);
  const shown = server.list().filter((f) => f.shown);

  for (const input of INPUTS) {
    it(`agrees on ${JSON.stringify(input)}`, () => {
      const s = server.validate(input);
      const c = checkFields(shown, input);
      if ('problems' in s) expect(Object.values(c.problems)).toEqual(s.problems);
      else {
        expect(c.problems).toEqual({});
        expect(c.values).toEqual(s.values);
      }
    });
  }

  it('uses the same chat size limit', () => {
    expect(CLIENT_MAX_CHAT).toBe(MAX_CHAT_CHARS);
  });
});
