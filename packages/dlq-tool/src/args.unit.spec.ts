import { describe, expect, it } from 'vitest';
import { DEFAULT_SHOW_LIMIT, parseCommand } from './args';
import { UsageError } from './errors';

const q = 'inventory.reserve-stock.dlq';

describe('parseCommand', () => {
  it('reads each command with its options', () => {
    expect(parseCommand(['list'])).toEqual({ name: 'list', json: false });
    expect(parseCommand(['list', '--json', '--vhost', 'demo'])).toEqual({ name: 'list', json: true, vhost: 'demo' });
    expect(parseCommand(['show', q])).toEqual({ name: 'show', queue: q, limit: DEFAULT_SHOW_LIMIT, json: false });
    expect(parseCommand(['show', q, '--limit', '5', '--json'])).toEqual({
      name: 'show',
      queue: q,
      limit: 5,
      json: true,
    });
    expect(parseCommand(['replay', q])).toEqual({ name: 'replay', queue: q, ids: [], direct: false, json: false });
    expect(parseCommand(['replay', q, '--id', 'a', '--id=b', '--limit', '2', '--direct'])).toEqual({
      name: 'replay',
      queue: q,
      ids: ['a', 'b'],
      limit: 2,
      direct: true,
      json: false,
    });
    expect(parseCommand(['purge', q])).toEqual({ name: 'purge', queue: q, yes: false, json: false });
    expect(parseCommand(['purge', '--yes', q])).toEqual({ name: 'purge', queue: q, yes: true, json: false });
    expect(parseCommand(['purge', q, '-y'])).toMatchObject({ yes: true });
  });

  it('answers help however it is asked', () => {
    expect(parseCommand(['--help'])).toEqual({ name: 'help' });
    expect(parseCommand(['-h'])).toEqual({ name: 'help' });
    expect(parseCommand(['help'])).toEqual({ name: 'help' });
    expect(parseCommand(['show', q, '--help'])).toEqual({ name: 'help' });
  });

  it.each([
    [[], /missing command/],
    [['peek', q], /unknown command "peek"/],
    [['show'], /show needs a queue/],
    [['replay', ''], /replay needs a queue/],
    [['list', q], /list takes no queue/],
    [['show', q, 'extra'], /unexpected argument "extra"/],
    [['show', q, '--limit', '0'], /--limit must be a positive integer, got "0"/],
    [['show', q, '--limit', 'ten'], /--limit must be a positive integer/],
    [['show', q, '--limit'], /--limit/],
    [['show', q, '--id', 'x'], /--id does not apply to show/],
    [['purge', q, '--limit', '3'], /--limit does not apply to purge/],
    [['replay', q, '--yes'], /--yes does not apply to replay/],
    [['list', '--vhost='], /--vhost must not be empty/],
    [['show', q, '--force'], /--force/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });
});
