import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from './request-hash';

describe('request hash', () => {
  it('ignores key order at every level', () => {
    const a = { customer: { id: '1', name: 'Ana' }, items: [{ sku: 'TEE', quantity: 1 }] };
    const b = { items: [{ quantity: 1, sku: 'TEE' }], customer: { name: 'Ana', id: '1' } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestHash(a)).toBe(requestHash(b));
    expect(requestHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells different bodies apart, array order included', () => {
    const one = { items: [{ sku: 'TEE' }, { sku: 'CAP' }] };
    expect(requestHash(one)).not.toBe(requestHash({ items: [{ sku: 'CAP' }, { sku: 'TEE' }] }));
    expect(requestHash({ quantity: 1 })).not.toBe(requestHash({ quantity: '1' }));
  });

  it('treats an absent optional field like an undefined one', () => {
    expect(canonicalJson({ a: 1, complement: undefined })).toBe(canonicalJson({ a: 1 }));
  });
});
