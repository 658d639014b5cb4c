export { createSparkPostTransport, type SparkPostSendResult, type SparkPostTransport } from './transmission/transport.js';
export { DEFAULT_BASE_URL, DEFAULT_MAX_MESSAGE_BYTES, EU_BASE_URL, type RetryPolicy, type SparkPostFetch, type SparkPostTracking, type SparkPostTransportOptions } from './transmission/options.js';
export { parseRelayBatch, type RelayContent, type RelayHeader, type RelayMessage } from './relay/parse.js';
export { createRelayCollector, DEFAULT_MAX_BODY_BYTES, type RelayCollector, type RelayCollectorOptions } from './collector/collector.js';
export { WEBHOOK_TOKEN_HEADER } from './collector/token.js';
export type { BatchEvent, CollectorEvent, MessageEvent, RequestEvent, RequestRejection } from './collector/events.js';
export type { SparkPostApiError, TransportErrorCode, TransportErrorDetail } from './errors.js';
