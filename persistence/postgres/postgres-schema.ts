import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import { InvalidPersistenceArgumentError } from '../errors.js';

/** The schema Bifrost's tables live in unless configured otherwise. */
export const DEFAULT_PG_SCHEMA = 'bifrost';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Returns the schema name quoted for SQL, after checking it is a plain lower-case identifier (it is
 * interpolated into statements, so nothing else is allowed in).
 */
export function quoteSchema(schema: string): string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new InvalidPersistenceArgumentError('schema', `must match ${SCHEMA_NAME.source}, was ${JSON.stringify(schema)}`);
  }
  return `"${schema}"`;
}

const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);

/**
 * Type parsers for Bifrost's queries: BIGINT columns (seq, epoch, timestamps) come back as numbers
 * instead of pg's default strings; every value Bifrost stores in them is a safe integer.
 */
export const PG_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};
