import { describe, expect, it } from 'vitest';
import { timestampFolder } from './output';

describe('timestampFolder', () => {
  it('makes an ISO time fit for a folder name, still sortable', () => {
    expect(timestampFolder('2026-11-24T03:40:12.345Z')).toBe('2026-11-24T03-40-12Z');
  });
});
