// docs/benchmarks.md: how the numbers were measured, the machine, the tables and what they say.
import { machineTable, processStartTable } from './tables.mjs';

export function benchmarkPage({ date, seconds, command, settings, machine, sections, processStart, reading }) {
  return `# Benchmarks

Generated ${date} by \`${command}\` (tooling/bench/backends.mjs) in ${seconds.toFixed(0)} s. Do not edit by hand: run it again.

What one S/MIME operation costs with each backend, measured through \`createSealpost({ backend })\` on whole
messages: the same code path an application takes, so core's MIME work (parsing, canonical form, base64,
policy, chain building) is in every number, not only the backend's CMS.

## How it was measured

- **Backends**, built from each package's \`dist\`: \`createPkijsBackend()\`; \`createPkijsBackend({ rsaDecryptRaw })\`
  with Node's raw RSA, as the sealpost CLI runs it (it changes only PKCS#1 v1.5 decryption, so it is
  measured only there); \`createForgeBackend()\`; \`await createOpensslBackend()\`.
- **Messages**, the same bytes for every backend: a plain-text message with a 10 KiB 7-bit body, and a
  multipart/mixed with a short note and a 1 MiB binary attachment (base64; 1.4 MB in all).
- **Keys** from the test PKI (\`ensureTestPki()\`): RSA-2048, alice signs and bob receives; EC P-256, carol
  signs and receives (ECDH). The 1 MiB case uses RSA-2048 and PKCS#1 v1.5 only: at that size the content
  digest and cipher dominate, and the key operation is the one of the 10 KiB case.
- **Operations**: \`sign\` (detached, SHA-256); \`verify\` (the whole verdict: signature, messageDigest, From
  address, path to the test root as the only trust anchor); \`encrypt\` with AES-256-GCM (AuthEnvelopedData)
  and AES-256-CBC (EnvelopedData), each with RSA PKCS#1 v1.5 and RSA-OAEP key transport; \`decrypt\` of those;
  \`signAndEncrypt\` (AES-256-GCM); \`open\` (decrypt, then verify). Each backend reads what it wrote itself.
- **Timing**: one operation at a time, never two at once. ${settings.text.warmup} warm-up runs and
  ${settings.text.iterations} timed runs per cell for the 10 KiB message, ${settings.attachment.warmup} and ${settings.attachment.iterations} for the 1 MiB one;
  each run is one awaited call between two \`performance.now()\`, and a full garbage collection runs before
  each row. Rows are measured one at a time and the backends of a row take turns run by run, so a slow
  spell of the machine falls on the whole row rather than on one column. Every result is checked outside
  the timed region (a verify must say \`valid\`, a decrypt \`decrypted\`, an open \`valid\`), so no cell
  times a failure. A backend that does not claim an algorithm refuses it with a typed error: "—".
- **A cell** reads \`median / p95 (ops/s)\`: median and 95th percentile (nearest rank) in milliseconds, and
  sequential throughput, runs divided by their total time (so the slow tail counts).

\`node tooling/bench/openssl.mjs [iterations] [contentKiB]\` measures the openssl and pkijs backends alone,
without core's MIME work, as quoted in packages/backend-openssl/README.md.

## Machine

${machineTable(machine)}

${sections.map((s) => `## ${s.title}\n\n${s.table}`).join('\n\n')}
${processStart === undefined ? '' : `\n## Starting openssl\n\nWhat the openssl backend pays before any work, ${settings.text.iterations} runs:\n\n${processStartTable(processStart)}\n`}
## Reading

${reading.join('\n\n')}
`;
}
