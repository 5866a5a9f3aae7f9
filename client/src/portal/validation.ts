// The customer's identity fields, checked in the browser the same way the server checks them
// (server/support/identityFields.ts), so a mistake is shown beside the field before anything is sent.
// A server-side test runs both checks over the same inputs to keep them in step.
import type { IdentityFieldPublic } from '../../../server/protocol/support.ts';

const TYPE_CHECKS: Record<IdentityFieldPublic['type'], { test: RegExp; says: string }> = {
  text: { test: /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f]*$/, says: 'must not contain control characters' },
  email: { test: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, says: 'must be an e-mail address' },
  phone: { test: /^\+?[0-9 ()./-]{3,}$/, says: 'must be a phone number' },
  number: { test: /^-?\d+(\.\d+)?$/, says: 'must be a number' },
};

/** What a customer is told when a value does not match the field's pattern (as the server says it). */
export function formatProblem(field: Pick<IdentityFieldPublic, 'label' | 'example'>): string {
  return field.example ? `${field.label} must look like ${field.example}` : `${field.label} is not in the format the support team expects`;
}

/** The problem with one field's value, in the server's words, or null when it is fine. */
export function fieldProblem(field: IdentityFieldPublic, raw: string): string | null {
  const value = raw.trim();
  if (!value) return field.required ? `${field.label} is required` : null;
  if (value.length > field.maxLength) return `${field.label} must be at most ${field.maxLength} characters`;
  const check = TYPE_CHECKS[field.type];
  if (check && !check.test.test(value)) return `${field.label} ${check.says}`;
  if (field.pattern) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(`^(?:${field.pattern})$`, 'u');
    } catch {
      return null; // the server refuses such patterns when they are saved; let it judge
    }
    if (!pattern.test(value)) return formatProblem(field);
  }
  return null;
}

export interface FieldCheck {
  /** Cleaned (trimmed) non-empty values by slot, ready for POST /api/portal/requests. */
  values: Record<string, string>;
  /** Problems by slot; empty when everything is fine. */
  problems: Record<string, string>;
}

export function checkFields(fields: IdentityFieldPublic[], input: Record<string, string>): FieldCheck {
  const values: Record<string, string> = {};
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const key = String(field.slot);
    const raw = input[key] ?? '';
    const problem = fieldProblem(field, raw);
    if (problem) problems[key] = problem;
    else if (raw.trim()) values[key] = raw.trim();
  }
  return { values, problems };
}

/**
 * Spreads the server's 422 reason ("Name is required; E-mail must be an e-mail address") over the fields it
 * names, so each shows beside its input. Returns the parts that name no field as `rest`.
 */
export function assignServerProblems(fields: IdentityFieldPublic[], reason: string): { problems: Record<string, string>; rest: string[] } {
  const problems: Record<string, string> = {};
  const rest: string[] = [];
  // Longest labels first, so "E-mail address" wins over "E-mail".
  const byLabel = [...fields].sort((a, b) => b.label.length - a.label.length);
  for (const part of reason.split(/;\s*/).map((p) => p.trim()).filter(Boolean)) {
    const field = byLabel.find((f) => part.startsWith(`${f.label} `));
    const key = field ? String(field.slot) : null;
    if (key && !problems[key]) problems[key] = part;
    else rest.push(part);
  }
  return { problems, rest };
}

/** The input attributes that fit a field's type. */
export function inputKind(type: IdentityFieldPublic['type']): { type: string; inputMode?: 'email' | 'tel' | 'decimal' | 'text'; autocomplete?: string } {
  switch (type) {
    case 'email':
      return { type: 'email', inputMode: 'email', autocomplete: 'email' };
    case 'phone':
      return { type: 'tel', inputMode: 'tel', autocomplete: 'tel' };
    case 'number':
      // type=number would swallow what is not a number; a text input keeps the value for a clear message.
      return { type: 'text', inputMode: 'decimal' };
    default:
      return { type: 'text' };
  }
}

/** Access codes: digits only, whatever the customer pasted around them ("123 456", "123-456"). */
export function normalizeCode(raw: string): string {
  return raw.replace(/\D+/g, '').slice(0, 6);
}
