import { randomBytes } from 'node:crypto';
import { type KeyStore, type Sealpost, readCertificates, sameCertificate } from '@sealpost/core';
import { startKeyServer } from '../http/key-server.js';
import { CERTIFICATES_PATH, RELAY_WEBHOOK_PATH } from '../http/key-server-routes.js';
import type { LogEvent } from '../http/log.js';
import type { DemoContext } from './context.js';
import { composeDemoMessage } from './message.js';
import { postRelayBatch, relayBatch } from './relay-batch.js';

/**
 * Step 2: Bob's signed mail reaches the key collector as a relay-webhook batch, over real HTTP, and
 * his certificate lands in the key store; a message from Mallory posing as Bob stores nothing.
 */
export async function collectBobsCertificate(ctx: DemoContext, sealpost: Sealpost, keystore: KeyStore): Promise<void> {
  const { cast } = ctx;
  const token = randomBytes(18).toString('base64url');
  const events: LogEvent[] = [];
  const server = await startKeyServer({ sealpost, keystore, trustAnchors: [cast.ca], token, host: '127.0.0.1', port: 0, log: (e) => events.push(e) });
  try {
    const fromBob = await sealpost.sign(
      composeDemoMessage({
        from: 'Bob <bob@example.com>',
        to: 'Alice <alice@example.com>',
        subject: 'Hello from Bob',
        text: 'Hi Alice,\n\nhere is my signature, so you can write to me privately.\n\nBob',
      }),
      { signer: cast.bob },
    );
    const fromMallory = await sealpost.sign(
      composeDemoMessage({ from: 'Bob <bob@example.com>', to: 'Alice <alice@example.com>', subject: 'My new certificate', text: 'Hi Alice,\n\nplease use this certificate from now on.\n\nBob' }),
      { signer: cast.mallory },
    );
    const webhook = `${server.url}${RELAY_WEBHOOK_PATH}`;
    const status = await postRelayBatch(webhook, token, relayBatch([{ bytes: fromBob, from: 'bob@example.com', to: 'alice@example.com' }]));
    const stored = await keystore.get('bob@example.com');
    const bobEvent = events.find((e) => e['event'] === 'relay-message');
    await ctx.say(
      "2. Bob writes to Alice and signs his message. SparkPost would relay it to Alice's webhook; here it is\n" +
        '   POSTed as a relay-webhook batch to the key collector (what `sealpost serve` runs), listening at\n' +
        `   ${webhook}. The collector verifies it: ${String(bobEvent?.['verdict'])} (Bob's chain reaches the\n` +
        '   test CA and his certificate is issued to the From address).\n' +
        `   HTTP ${status}; key store: ${String(bobEvent?.['outcome'])} bob@example.com, advertising ${stored?.smimeCapabilities.slice(0, 2).join(', ') ?? 'nothing'}, ...\n`,
    );
    ctx.expect(status === 200, `the collector should answer 200 to Bob's batch, answered ${status}`);
    ctx.expect(stored !== null && sameCertificate(stored.certificate, cast.bob.certificate), "Bob's certificate should be in the key store");

    const wrongToken = await postRelayBatch(webhook, `${token}x`, relayBatch([{ bytes: fromMallory, from: 'bob@example.com', to: 'alice@example.com' }]));
    const spoofStatus = await postRelayBatch(webhook, token, relayBatch([{ bytes: fromMallory, from: 'bob@example.com', to: 'alice@example.com' }]));
    const spoofEvent = events.filter((e) => e['event'] === 'relay-message')[1];
    const after = await keystore.history('bob@example.com');
    await ctx.say(
      `   Mallory, who has a certificate from the same CA, sends "From: Bob <bob@example.com>" signed with her\n` +
        `   own key, hoping Alice will encrypt to her. With a wrong webhook token: HTTP ${wrongToken}, not even read.\n` +
        `   With the right one: verdict ${String(spoofEvent?.['verdict'])} (${(spoofEvent?.['findings'] as string[] | undefined)?.join(', ') ?? ''}), ${String(spoofEvent?.['outcome'])}; Bob's entry is unchanged.\n`,
    );
    ctx.expect(wrongToken === 401, `a wrong webhook token should get 401, got ${wrongToken}`);
    ctx.expect(spoofStatus === 200 && spoofEvent?.['verdict'] === 'invalid' && spoofEvent['outcome'] === 'not-stored', "Mallory's message posing as Bob should be invalid and store nothing");
    ctx.expect(after.length === 1 && sameCertificate(after[0]!.certificate, cast.bob.certificate), "the key store should hold Bob's certificate only");

    const response = await fetch(`${server.url}${CERTIFICATES_PATH}bob%40example.com`, { signal: AbortSignal.timeout(30_000) });
    const served = readCertificates(new Uint8Array(await response.arrayBuffer()));
    await ctx.say(`   GET ${CERTIFICATES_PATH}bob@example.com answers ${response.status} with Bob's certificate as PEM.\n\n`);
    ctx.expect(response.status === 200 && served[0] !== undefined && sameCertificate(served[0], cast.bob.certificate), 'GET /certificates/bob@example.com should return his certificate');
  } finally {
    await server.close();
  }
}
