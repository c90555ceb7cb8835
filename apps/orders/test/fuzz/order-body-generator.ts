import { SAMPLE_CUSTOMER, sampleOrderRequest } from '@loja/contracts/samples';

/**
 * Generates hostile request bodies for POST /orders from a seed, so a failing case can be replayed:
 * random JSON, valid orders with one field broken (wrong type, boundary number, unicode, huge
 * string), deep nesting, truncated JSON, and wrong content types.
 */
export interface FuzzCase {
  kind: string;
  contentType: string;
  body: string | Buffer;
}

/** mulberry32: a tiny, well-known seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BOUNDARY_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  1e-9,
  2 ** 31,
  -(2 ** 31),
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  -1e308,
  10_000,
  10_001,
];
const STRANGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800', // lone surrogate
  '🛒🧾💳',
  'ção ñ ü 中文 العربية',
  '\u202e', // right-to-left override
  '<script>alert(1)</script>',
  "'; DROP TABLE orders; --",
  '%s%n%x',
  '../../etc/passwd',
  '{"nested":"json"}',
];

export class OrderBodyGenerator {
  private readonly random: () => number;

  constructor(
    seed: number,
    private readonly skus: string[],
  ) {
    this.random = seededRandom(seed);
  }

  next(): FuzzCase {
    const kinds = [
      () => this.mutatedOrder(),
      () => this.mutatedOrder(),
      () => this.mutatedOrder(),
      () => this.randomJson(),
      () => this.deepNesting(),
      () => this.brokenJson(),
      () => this.wrongContentType(),
      () => this.hugeString(),
    ];
    return this.pick(kinds)();
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private int(max: number): number {
    return Math.floor(this.random() * max);
  }

  validOrder(): Record<string, unknown> {
    return {
      ...sampleOrderRequest({
        customer: { ...SAMPLE_CUSTOMER, id: `c-${this.int(1000)}` },
        items: [{ sku: this.pick(this.skus), quantity: 1 + this.int(3) }],
      }),
    };
  }

  private randomValue(depth = 0): unknown {
    const choices: Array<() => unknown> = [
      () => null,
      () => this.random() < 0.5,
      () => this.pick(BOUNDARY_NUMBERS),
      () => this.pick(STRANGE_STRINGS),
      () =>
        this.random()
          .toString(36)
          .repeat(1 + this.int(5)),
    ];
    if (depth < 3) {
      choices.push(() => Array.from({ length: this.int(4) }, () => this.randomValue(depth + 1)));
      choices.push(() =>
        Object.fromEntries(
          Array.from({ length: this.int(4) }, () => [
            this.pick(['sku', 'items', 'customer', '__proto__', 'constructor', 'x']),
            this.randomValue(depth + 1),
          ]),
        ),
      );
    }
    return this.pick(choices)();
  }

  /** A valid order with one path replaced by a random value, removed, or given a sibling. */
  private mutatedOrder(): FuzzCase {
    const order = this.validOrder() as Record<string, any>;
    const paths: Array<[any, string]> = [
      [order, 'customer'],
      [order.customer, 'id'],
      [order.customer, 'name'],
      [order.customer, 'email'],
      [order, 'items'],
      [order.items[0], 'sku'],
      [order.items[0], 'quantity'],
      [order, 'shippingAddress'],
      [order.shippingAddress, 'country'],
      [order.shippingAddress, 'postalCode'],
      [order, 'payment'],
      [order.payment, 'method'],
      [order.payment, 'cardToken'],
    ];
    const [target, key] = this.pick(paths);
    const action = this.int(4);
    if (action === 0) delete target[key];
    else if (action === 1) target[`${key}Extra`] = this.randomValue();
    else if (action === 2) target[key] = this.pick(BOUNDARY_NUMBERS);
    else target[key] = this.randomValue();
    if (this.random() < 0.1)
      order.items = Array.from({ length: 1 + this.int(120) }, () => ({ sku: this.pick(this.skus), quantity: 1 }));
    return { kind: 'mutated-order', contentType: 'application/json', body: JSON.stringify(order) };
  }

  private randomJson(): FuzzCase {
    return { kind: 'random-json', contentType: 'application/json', body: JSON.stringify(this.randomValue()) ?? 'null' };
  }

  private deepNesting(): FuzzCase {
    const depth = 100 + this.int(5000);
    const open = this.random() < 0.5 ? '[' : '{"a":';
    const close = open === '[' ? ']' : '}';
    return {
      kind: 'deep-nesting',
      contentType: 'application/json',
      body: `${open.repeat(depth)}1${close.repeat(depth)}`,
    };
  }

  private brokenJson(): FuzzCase {
    const text = JSON.stringify(this.validOrder());
    return { kind: 'broken-json', contentType: 'application/json', body: text.slice(0, this.int(text.length)) };
  }

  private wrongContentType(): FuzzCase {
    const contentType = this.pick([
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      '',
      'application/octet-stream',
    ]);
    const body =
      this.random() < 0.5
        ? JSON.stringify(this.validOrder())
        : Buffer.from(Array.from({ length: this.int(512) }, () => this.int(256)));
    return { kind: 'wrong-content-type', contentType, body };
  }

  private hugeString(): FuzzCase {
    const order = this.validOrder() as Record<string, any>;
    const size = this.pick([1_000, 60_000, 70_000, 1_000_000]);
    order.customer.name = 'x'.repeat(size);
    return { kind: 'huge-string', contentType: 'application/json', body: JSON.stringify(order) };
  }
}
