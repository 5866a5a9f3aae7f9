import type { Database } from 'bun:sqlite';
import { t } from 'elysia';

export const FIELD_TYPES = ['text', 'email', 'phone', 'number'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** A body's answers to the identity fields, by slot (checked in full by IdentityFields.validate). */
export const identityValues = t.Record(t.String({ maxLength: 2 }), t.String({ maxLength: 500 }), { maxProperties: 4 });

export interface IdentityField {
  slot: 1 | 2 | 3 | 4;
  shown: boolean;
  required: boolean;
  label: string;
  type: FieldType;
  maxLength: number;
  /** A regular expression the whole value must match ('' for none). */
  pattern: string;
  /** A right value, shown to the customer when there is a pattern ('' for none). */
  example: string;
  /** A CRM lookup address with `{value}` where the value goes ('' for none). */
  crmUrl: string;
}

interface FieldRow {
  slot: 1 | 2 | 3 | 4;
  shown: number;
  required: number;
  label: string;
  type: FieldType;
  max_length: number;
  pattern: string;
  example: string;
  crm_url: string;
}

const TYPE_CHECKS: Record<FieldType, { test: RegExp; says: string }> = {
  text: { test: /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f]*$/, says: 'must not contain control characters' },
  email: { test: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, says: 'must be an e-mail address' },
  phone: { test: /^\+?[0-9 ()./-]{3,}$/, says: 'must be a phone number' },
  number: { test: /^-?\d+(\.\d+)?$/, says: 'must be a number' },
};

/** A pattern an admin may set: it must compile and be short (a long pattern is a likely ReDoS vector). */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > 200) return 'pattern must be at most 200 characters';
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return null;
  } catch (e) {
    return `pattern is not a valid regular expression: ${(e as Error).message}`;
  }
}

/** With a pattern, the admin gives an example that matches it: customers are told the format by it. */
export function exampleProblem(pattern: string, example: string): string | null {
  if (!pattern) return null;
  if (!example.trim()) return 'give an example of a right value (customers see it when their value has the wrong format)';
  if (patternProblem(pattern)) return null;
  return new RegExp(`^(?:${pattern})$`, 'u').test(example.trim()) ? null : 'the example does not match the pattern';
}

/** What a customer is told when a value does not match the field's pattern. */
export function formatProblem(field: Pick<IdentityField, 'label' | 'example'>): string {
  return field.example ? `${field.label} must look like ${field.example}` : `${field.label} is not in the format the support team expects`;
}

export function crmUrlProblem(url: string): string | null {
  if (!url) return null;
  if (!/^https?:\/\//i.test(url)) return 'CRM lookup address must start with http:// or https://';
  if (!url.includes('{value}')) return 'CRM lookup address must contain {value}';
  return null;
}

/** The CRM link for a value, with the value URL-encoded so it cannot change the address's structure. */
export function crmLink(field: IdentityField, value: string): string | null {
  return field.crmUrl && value ? field.crmUrl.replaceAll('{value}', encodeURIComponent(value)) : null;
}

export class IdentityFields {
  constructor(private db: Database) {}

  list(): IdentityField[] {
    return this.db
      .query<FieldRow, []>('SELECT * FROM identity_fields ORDER BY slot')
      .all()
      .map((r) => ({
        slot: r.slot,
        shown: r.shown === 1,
        required: r.required === 1,
        label: r.label,
        type: r.type,
        maxLength: r.max_length,
        pattern: r.pattern,
        example: r.example,
        crmUrl: r.crm_url,
      }));
  }

  save(fields: IdentityField[]): void {
    const update = this.db.query(
      `UPDATE identity_fields SET shown = ?, required = ?, label = ?, type = ?, max_length = ?, pattern = ?, example = ?,
       crm_url = ? WHERE slot = ?`,
    );
    this.db.transaction(() => {
      for (const f of fields)
        update.run(f.shown ? 1 : 0, f.required ? 1 : 0, f.label, f.type, f.maxLength, f.pattern, f.example, f.crmUrl, f.slot);
    })();
  }

  /**
   * Checks what a customer entered against the shown fields. Returns the cleaned values by slot, or the list
   * of problems (each naming the field by its label). Values for hidden fields are refused.
   */
  validate(input: Record<string, string>): { values: Record<string, string> } | { problems: string[] } {
    const fields = this.list();
    const problems: string[] = [];
    const values: Record<string, string> = {};
    for (const key of Object.keys(input)) {
      const field = fields.find((f) => String(f.slot) === key);
      if (!field || !field.shown) problems.push(`unknown field ${JSON.stringify(key.slice(0, 20))}`);
    }
    for (const field of fields.filter((f) => f.shown)) {
      const value = (input[String(field.slot)] ?? '').trim();
      if (!value) {
        if (field.required) problems.push(`${field.label} is required`);
        continue;
      }
      if (value.length > field.maxLength) {
        problems.push(`${field.label} must be at most ${field.maxLength} characters`);
        continue;
      }
      const check = TYPE_CHECKS[field.type];
      if (!check.test.test(value)) {
        problems.push(`${field.label} ${check.says}`);
        continue;
      }
      if (field.pattern && !new RegExp(`^(?:${field.pattern})$`, 'u').test(value)) {
        problems.push(formatProblem(field));
        continue;
      }
      values[String(field.slot)] = value;
    }
    return problems.length ? { problems } : { values };
  }
}
