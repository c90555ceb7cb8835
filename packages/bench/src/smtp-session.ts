/**
 * One SMTP connection of the bench's counting mail sink, without the socket: bytes in, replies out.
 * It speaks just enough SMTP for nodemailer's pooled transport (greeting, EHLO/HELO with PIPELINING,
 * MAIL, RCPT, DATA, RSET, NOOP, QUIT) and never looks inside a message: it only finds where the
 * message ends (CRLF.CRLF, wherever the TCP chunks split it) and counts it.
 */

const CR = 13;
const LF = 10;
/** The end of a message's data; its first CRLF may be the one that ended the DATA command. */
const DATA_END = Buffer.from('\r\n.\r\n');
const CRLF = Buffer.from('\r\n');
/** A command line longer than this is refused and the connection closed (RFC 5321 allows 512). */
export const MAX_LINE_BYTES = 4096;

/** What to write back after a chunk, and whether to close the connection after writing it. */
export interface SessionOutput {
  replies: string;
  close: boolean;
}

/**
 * Finds the end of a message's data across chunks. Keeps only the last few bytes seen, so a
 * terminator split between two chunks (`…\r\n.` then `\r\n`) is found, and nothing else is kept.
 */
export class DataEndScanner {
  private tail: Buffer = CRLF;

  /** Starts a message: the CRLF that ended the DATA command counts as the terminator's first. */
  reset(): void {
    this.tail = CRLF;
  }

  /** The index in `chunk` just past the terminator, or -1 when the message goes on after `chunk[from..]`. */
  feed(chunk: Buffer, from = 0): number {
    const body = from > 0 ? chunk.subarray(from) : chunk;
    // A terminator that starts in the bytes kept from before: at most 4 of them, so it ends in body's first 4.
    const joint = Buffer.concat([this.tail, body.subarray(0, DATA_END.length - 1)]);
    const across = joint.indexOf(DATA_END);
    if (across !== -1) return from + across + DATA_END.length - this.tail.length;
    const inside = body.indexOf(DATA_END);
    if (inside !== -1) return from + inside + DATA_END.length;
    // Copied, so the socket's chunk is not held on to.
    this.tail =
      body.length >= DATA_END.length - 1
        ? Buffer.from(body.subarray(body.length - (DATA_END.length - 1)))
        : Buffer.from(joint.subarray(Math.max(0, joint.length - (DATA_END.length - 1))));
    return -1;
  }
}

export class SmtpSession {
  private inData = false;
  private readonly dataEnd = new DataEndScanner();
  /** A command line split across chunks, waiting for its LF. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private hasSender = false;
  private recipients = 0;
  private closed = false;

  constructor(
    private readonly hostname: string,
    /** Called once per message accepted (the 250 after its data). */
    private readonly onMessage: () => void,
  ) {}

  greeting(): string {
    return `220 ${this.hostname} ESMTP bench mail sink\r\n`;
  }

  receive(chunk: Buffer): SessionOutput {
    let replies = '';
    let offset = 0;
    while (offset < chunk.length && !this.closed) {
      if (this.inData) {
        const end = this.dataEnd.feed(chunk, offset);
        if (end === -1) break;
        this.inData = false;
        this.resetTransaction();
        this.onMessage();
        replies += '250 2.0.0 OK: message accepted\r\n';
        offset = end;
        continue;
      }
      const lf = chunk.indexOf(LF, offset);
      if (lf === -1) {
        this.partial.push(chunk.subarray(offset));
        this.partialBytes += chunk.length - offset;
        if (this.partialBytes > MAX_LINE_BYTES) {
          this.closed = true;
          replies += '500 5.5.2 Line too long\r\n';
        }
        break;
      }
      const end = lf > offset && chunk[lf - 1] === CR ? lf - 1 : lf;
      let line: string;
      if (this.partial.length) {
        this.partial.push(chunk.subarray(offset, lf));
        const whole = Buffer.concat(this.partial);
        line = whole.toString('latin1', 0, whole.length - (whole[whole.length - 1] === CR ? 1 : 0));
        this.partial = [];
        this.partialBytes = 0;
      } else {
        line = chunk.toString('latin1', offset, end);
      }
      offset = lf + 1;
      replies += this.command(line);
    }
    // A copy of the unfinished line, not a view that would hold the whole chunk.
    if (this.partial.length) this.partial = [Buffer.from(Buffer.concat(this.partial))];
    return { replies, close: this.closed };
  }

  private command(line: string): string {
    const space = line.indexOf(' ');
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    switch (verb) {
      case 'EHLO':
        this.resetTransaction();
        return `250-${this.hostname}\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n`;
      case 'HELO':
        this.resetTransaction();
        return `250 ${this.hostname}\r\n`;
      case 'MAIL':
        if (this.hasSender) return '503 5.5.1 Error: nested MAIL command\r\n';
        this.hasSender = true;
        return '250 2.1.0 OK\r\n';
      case 'RCPT':
        if (!this.hasSender) return '503 5.5.1 Error: need MAIL command\r\n';
        this.recipients++;
        return '250 2.1.5 OK\r\n';
      case 'DATA':
        if (!this.recipients) return '503 5.5.1 Error: need RCPT command\r\n';
        this.inData = true;
        this.dataEnd.reset();
        return '354 End data with <CR><LF>.<CR><LF>\r\n';
      case 'RSET':
        this.resetTransaction();
        return '250 2.0.0 OK\r\n';
      case 'NOOP':
        return '250 2.0.0 OK\r\n';
      case 'QUIT':
        this.closed = true;
        return '221 2.0.0 Bye\r\n';
      default:
        return '502 5.5.2 Error: command not recognized\r\n';
    }
  }

  private resetTransaction(): void {
    this.hasSender = false;
    this.recipients = 0;
  }
}
