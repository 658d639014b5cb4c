import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerTransmission, readBody, transmissionId } from '../src/demo/sparkpost-sink.js';

// The queue tests' SparkPost: the Transmissions contract (demo/sparkpost-sink.ts), with requests it can hold
// unanswered (a worker killed while the service has its message), answer 429, or answer slowly.

export interface HoldingSparkPost {
  readonly baseUrl: string;
  /** Transmissions the service kept, by address: a held request counts, as the service has it. */
  readonly deliveries: Map<string, number>;
  readonly held: string[];
  /** Times of every request that arrived, ms since the epoch. */
  readonly arrivals: number[];
  /** From now on, requests arrive whole and get no answer until release(). */
  hold(): void;
  /** Answers every held request (those whose client is gone answer no one) and stops holding. */
  release(): void;
  /**
   * For `ms` from the next transmission on, answers every transmission 429 with Retry-After, without
   * keeping it. The window opens with that transmission, so a slow start (a loaded machine) cannot let
   * it pass before anything arrives.
   */
  rateLimitFor(ms: number, retryAfterSeconds: number): void;
  /** When each address was first asked for, ms since the epoch. */
  readonly firstSeen: Map<string, number>;
  /** Answers every later transmission only after `ms`. */
  slowDown(ms: number): void;
  close(): Promise<void>;
}

/** A server following SparkPost's Transmissions contract that can hold requests, or answer 429. */
export async function startHoldingSparkPost(apiKey: string): Promise<HoldingSparkPost> {
  const deliveries = new Map<string, number>();
  const held: string[] = [];
  const arrivals: number[] = [];
  const waiting: (() => void)[] = [];
  let holding = false;
  const firstSeen = new Map<string, number>();
  let limitedUntil = 0;
  let limitArmed: number | null = null;
  let retryAfter = 1;
  let delayMs = 0;
  let answered = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((body) => {
      arrivals.push(Date.now());
      const answer = answerTransmission({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body }, apiKey, transmissionId(answered++));
      const address = answer.transmission?.recipients[0];
      if (address !== undefined && !firstSeen.has(address)) firstSeen.set(address, Date.now());
      if (address !== undefined && limitArmed !== null) {
        limitedUntil = Date.now() + limitArmed;
        limitArmed = null;
      }
      if (address !== undefined && Date.now() < limitedUntil) {
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(retryAfter) }).end(JSON.stringify({ errors: [{ message: 'Too many requests' }] }));
        return;
      }
      if (address !== undefined) deliveries.set(address, (deliveries.get(address) ?? 0) + 1);
      const reply = (): void => void setTimeout(() => res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body)), delayMs);
      if (address !== undefined && holding) {
        held.push(address);
        waiting.push(reply);
        return;
      }
      reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    held,
    arrivals,
    hold: () => void (holding = true),
    release() {
      holding = false;
      for (const reply of waiting.splice(0)) reply();
    },
    rateLimitFor(ms, seconds) {
      limitArmed = ms;
      retryAfter = seconds;
    },
    firstSeen,
    slowDown: (ms) => void (delayMs = ms),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
