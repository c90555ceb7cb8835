import { types } from 'pg';

const INT8_OID = 20;

/**
 * How column values come back from our SQL: as node-postgres does, except `bigint` columns, which come
 * back as JavaScript bigints (node-postgres gives strings) so money and counters keep their full range.
 */
export const sqlTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => BigInt(value);
    return types.getTypeParser(oid, format as 'text');
  },
};
