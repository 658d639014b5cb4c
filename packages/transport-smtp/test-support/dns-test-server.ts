import { createSocket, type RemoteInfo } from 'node:dgram';
import { Resolver } from 'node:dns/promises';

const TYPE_TXT = 16;
const CLASS_IN = 1;
const RCODE_NXDOMAIN = 3;

export interface DnsTestServer {
  readonly port: number;
  /** Queries answered so far, as "name TYPE". */
  readonly queries: string[];
  /** A resolver that asks this server only: `resolve(name, 'TXT')` as mailauth calls it. */
  resolve(name: string, rrtype: string): Promise<string[][]>;
  close(): Promise<void>;
}

/**
 * A real DNS server over UDP on 127.0.0.1 that answers TXT queries from RECORDS (name -> TXT text,
 * split into character-strings of at most 255 bytes as DNS requires) and NXDOMAIN for any other
 * name. Enough for a DKIM verifier to fetch `<selector>._domainkey.<domain>` through Node's resolver.
 */
export async function startDnsTestServer(records: Readonly<Record<string, string>>): Promise<DnsTestServer> {
  const zone = new Map(Object.entries(records).map(([name, text]) => [name.toLowerCase(), text] as const));
  const queries: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (query: Buffer, peer: RemoteInfo) => {
    const reply = answer(query, zone, queries);
    if (reply !== undefined) socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  const resolver = new Resolver({ timeout: 2_000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return {
    port,
    queries,
    resolve: (name, rrtype) => (rrtype === 'TXT' ? resolver.resolveTxt(name) : Promise.reject(new Error(`the test DNS server answers TXT only, not ${rrtype}`))),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** The response to one query: its question echoed, and the TXT record when the zone has the name. */
function answer(query: Buffer, zone: ReadonlyMap<string, string>, queries: string[]): Buffer | undefined {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
  const question = readQuestion(query, 12);
  if (question === undefined) return undefined;
  queries.push(`${question.name} ${question.type === TYPE_TXT ? 'TXT' : question.type}`);
  const text = question.type === TYPE_TXT && question.class === CLASS_IN ? zone.get(question.name.toLowerCase()) : undefined;
  // A name in the zone asked for another type has no data (NOERROR, no answer); any other name does not exist.
  const rcode = zone.has(question.name.toLowerCase()) ? 0 : RCODE_NXDOMAIN;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  const recursionDesired = query[2]! & 0x01;
  header[2] = 0x84 | recursionDesired; // QR, AA
  header[3] = rcode;
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(text === undefined ? 0 : 1, 6);
  const questionBytes = query.subarray(12, question.end);
  return Buffer.concat(text === undefined ? [header, questionBytes] : [header, questionBytes, txtRecord(text)]);
}

function readQuestion(query: Buffer, start: number): { name: string; type: number; class: number; end: number } | undefined {
  const labels: string[] = [];
  let offset = start;
  for (;;) {
    const length = query[offset];
    if (length === undefined || length > 63) return undefined;
    offset += 1;
    if (length === 0) break;
    labels.push(query.toString('latin1', offset, offset + length));
    offset += length;
  }
  if (offset + 4 > query.length) return undefined;
  return { name: labels.join('.'), type: query.readUInt16BE(offset), class: query.readUInt16BE(offset + 2), end: offset + 4 };
}

function txtRecord(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  const strings: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) {
    const piece = bytes.subarray(i, i + 255);
    strings.push(Buffer.from([piece.length]), piece);
  }
  const rdata = Buffer.concat(strings);
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  fixed.writeUInt16BE(TYPE_TXT, 2);
  fixed.writeUInt16BE(CLASS_IN, 4);
  fixed.writeUInt32BE(60, 6);
  fixed.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([fixed, rdata]);
}
