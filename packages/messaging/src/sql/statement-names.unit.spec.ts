import { describe, expect, it } from 'vitest';
import { StatementNames } from './statement-names';

describe('StatementNames', () => {
  it('gives one stable name per distinct text', () => {
    const names = new StatementNames('s');
    const a = names.nameOf('SELECT 1');
    const b = names.nameOf('SELECT 2');
    expect(a).toBe('s1');
    expect(b).toBe('s2');
    expect(names.nameOf('SELECT 1')).toBe(a);
  });

  it('stops naming past its limit, so dynamic texts cannot grow it for ever', () => {
    const names = new StatementNames('s', 2);
    names.nameOf('a');
    names.nameOf('b');
    expect(names.nameOf('c')).toBeUndefined();
    expect(names.nameOf('a')).toBe('s1');
  });
});
