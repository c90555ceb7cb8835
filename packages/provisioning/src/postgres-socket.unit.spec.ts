import { describe, expect, it } from 'vitest';
import { throughLocalSocket } from './postgres-socket';

const url = 'postgresql://loja_orders:secret@127.0.0.1:5432/loja_orders';
const socketThere = (path: string) => path === '/var/run/postgresql/.s.PGSQL.5432';

describe('throughLocalSocket', () => {
  it('goes through the socket of a server on this machine', () => {
    const local = new URL(throughLocalSocket(url, '/var/run/postgresql', socketThere));
    expect(local.searchParams.get('host')).toBe('/var/run/postgresql');
    expect(local.username).toBe('loja_orders');
    expect(local.password).toBe('secret');
    expect(local.pathname).toBe('/loja_orders');
  });

  it('keeps TCP for another host, a missing socket, another port, or no socket directory', () => {
    expect(throughLocalSocket('postgresql://u:p@db.internal:5432/d', '/var/run/postgresql', () => true)).toBe(
      'postgresql://u:p@db.internal:5432/d',
    );
    expect(throughLocalSocket(url, '/var/run/postgresql', () => false)).toBe(url);
    expect(throughLocalSocket(url.replace(':5432', ':5433'), '/var/run/postgresql', socketThere)).toContain(':5433');
    expect(throughLocalSocket(url.replace(':5432', ':5433'), '/var/run/postgresql', socketThere)).not.toContain(
      'host=',
    );
    expect(throughLocalSocket(url, '', socketThere)).toBe(url);
  });
});
