import { describe, expect, it } from 'vitest';
import { splitUrl } from './http-client';

describe('splitUrl', () => {
  it('splits an absolute URL into origin and path with query', () => {
    expect(splitUrl('http://127.0.0.1:3000/orders?status=SHIPPED&pageSize=1')).toEqual({
      origin: 'http://127.0.0.1:3000',
      path: '/orders?status=SHIPPED&pageSize=1',
    });
    expect(splitUrl('http://[::1]:3000/orders/abc')).toEqual({ origin: 'http://[::1]:3000', path: '/orders/abc' });
  });

  it('gives / to a bare origin', () => {
    expect(splitUrl('http://localhost:3000')).toEqual({ origin: 'http://localhost:3000', path: '/' });
  });
});
