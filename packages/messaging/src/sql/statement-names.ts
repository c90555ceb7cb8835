/**
 * Names for PostgreSQL prepared statements, one per distinct SQL text. A named statement is parsed and
 * planned once per connection and then only bound and executed, where an unnamed one is parsed and
 * planned on every call: on the per-message paths that was most of PostgreSQL's work.
 *
 * The SQL text must be static (values go in parameters): every distinct text gets a name for the life
 * of the process, so text built from values would grow this map without bound. `maxNames` guards that:
 * past it, texts run unnamed.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly prefix = 'loja_',
    private readonly maxNames = 1000,
  ) {}

  /** The statement's name, or undefined once too many distinct texts were seen. */
  nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.maxNames) {
      name = `${this.prefix}${this.names.size + 1}`;
      this.names.set(text, name);
    }
    return name;
  }
}
