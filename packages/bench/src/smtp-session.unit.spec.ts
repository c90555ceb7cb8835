import { describe, expect, it } from 'vitest';
import { DataEndScanner, MAX_LINE_BYTES, SmtpSession } from './smtp-session';

const bytes = (text: string) => Buffer.from(text, 'latin1');

function session() {
  let messages = 0;
  const s = new SmtpSession('sink.test', () => messages++);
  const send = (...chunks: string[]) => {
    let replies = '';
    let close = false;
    for (const chunk of chunks) {
      const out = s.receive(bytes(chunk));
      replies += out.replies;
      close ||= out.close;
    }
    return { replies, close };
  };
  return { s, send, messages: () => messages };
}

/** Reply codes, in order. */
const codes = (replies: string) =>
  replies
    .split('\r\n')
    .filter(Boolean)
    .filter((line) => line[3] !== '-')
    .map((line) => line.slice(0, 3));

describe('DataEndScanner', () => {
  const end = (chunks: string[]) => {
    const scanner = new DataEndScanner();
    for (const [i, chunk] of chunks.entries()) {
      const at = scanner.feed(bytes(chunk));
      if (at !== -1) return { chunk: i, at };
    }
    return undefined;
  };

  it('finds CRLF.CRLF inside a chunk and says where it ends', () => {
    const message = 'Subject: a\r\n\r\nbody\r\n.\r\n';
    expect(end([`${message}QUIT\r\n`])).toEqual({ chunk: 0, at: message.length });
  });

  it('finds it split across chunks at every position', () => {
    const message = 'Subject: a\r\n\r\nbody\r\n.\r\n';
    for (let cut = 1; cut < message.length; cut++) {
      expect(end([message.slice(0, cut), message.slice(cut)])).toEqual({ chunk: 1, at: message.length - cut });
    }
    expect(end(['body', '\r', '\n', '.', '\r', '\n'])).toEqual({ chunk: 5, at: 1 });
  });

  it('takes the CRLF that ended DATA as the first of an empty message', () => {
    expect(end(['.\r\n'])).toEqual({ chunk: 0, at: 3 });
    expect(end(['.', '\r\n'])).toEqual({ chunk: 1, at: 2 });
  });

  it('is not fooled by dot-stuffed lines or a dot inside a line', () => {
    expect(end(['a\r\n..\r\nb.\r\n', 'c\r\n.x\r\n'])).toBeUndefined();
  });

  it('starts afresh after reset', () => {
    const scanner = new DataEndScanner();
    expect(scanner.feed(bytes('x\r\n.'))).toBe(-1);
    scanner.reset();
    expect(scanner.feed(bytes('\r\n'))).toBe(-1);
  });
});

describe('SmtpSession', () => {
  it('greets, then takes a message the way nodemailer sends it and counts it', () => {
    const { s, send, messages } = session();
    expect(s.greeting()).toBe('220 sink.test ESMTP bench mail sink\r\n');
    const ehlo = send('EHLO client\r\n');
    expect(ehlo.replies).toBe('250-sink.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
    expect(codes(send('MAIL FROM:<a@loja.example> BODY=8BITMIME\r\n').replies)).toEqual(['250']);
    expect(codes(send('RCPT TO:<b@example.com>\r\n').replies)).toEqual(['250']);
    expect(codes(send('DATA\r\n').replies)).toEqual(['354']);
    expect(codes(send('Subject: x\r\n\r\nhello\r\n', '.\r\n').replies)).toEqual(['250']);
    expect(messages()).toBe(1);
    expect(send('QUIT\r\n')).toEqual({ replies: '221 2.0.0 Bye\r\n', close: true });
  });

  it('answers pipelined commands in order, data included, within one chunk', () => {
    const { send, messages } = session();
    const out = send(
      'EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nDATA\r\nhi\r\n.\r\nRSET\r\nNOOP\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n.\r\n',
    );
    expect(codes(out.replies)).toEqual([
      '250',
      '250',
      '250',
      '250',
      '354',
      '250',
      '250',
      '250',
      '250',
      '250',
      '354',
      '250',
    ]);
    expect(messages()).toBe(2);
  });

  it('reads command lines split across chunks, and bare LF endings', () => {
    const { send } = session();
    expect(codes(send('EH', 'LO c\r', '\nNOOP\n').replies)).toEqual(['250', '250']);
    expect(codes(send('HELO c\r\n').replies)).toEqual(['250']);
  });

  it('keeps the order of the transaction', () => {
    const { send, messages } = session();
    expect(codes(send('RCPT TO:<b@x>\r\n', 'DATA\r\n').replies)).toEqual(['503', '503']);
    expect(codes(send('MAIL FROM:<a@x>\r\n', 'MAIL FROM:<a@x>\r\n', 'DATA\r\n').replies)).toEqual([
      '250',
      '503',
      '503',
    ]);
    expect(codes(send('RSET\r\n', 'RCPT TO:<b@x>\r\n').replies)).toEqual(['250', '503']);
    expect(messages()).toBe(0);
  });

  it('refuses what it does not speak, and endless lines', () => {
    const { send } = session();
    expect(codes(send('STARTTLS\r\n', 'AUTH PLAIN x\r\n').replies)).toEqual(['502', '502']);
    const long = send('X'.repeat(MAX_LINE_BYTES + 1));
    expect(long).toEqual({ replies: '500 5.5.2 Line too long\r\n', close: true });
  });

  it('ignores what follows QUIT', () => {
    const { send } = session();
    expect(send('QUIT\r\nNOOP\r\n')).toEqual({ replies: '221 2.0.0 Bye\r\n', close: true });
  });
});
