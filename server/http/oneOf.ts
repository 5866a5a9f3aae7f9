import { t } from 'elysia';

/**
 * One of these strings. Elysia's t.UnionEnum gives itself a default (its first value, for its error message), and
 * Elysia fills defaults into the body before validation: a PATCH that left the field out got the first value (an
 * edit of a supervisor's name made them an engineer) and a required field could be missing. No default here.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return t.UnionEnum([...values] as unknown as T, { default: undefined });
}
