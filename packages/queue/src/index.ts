export { type CampaignQueue, type CampaignQueueOptions, openCampaignQueue } from './campaign-queue.js';
export { QueueError, type QueueErrorCode, isQueueError } from './errors.js';
export { jobId, queueName, isCampaignId } from './job-id.js';
export { redactUrl } from './redact.js';
export type { CampaignJob, CampaignRow, CampaignRules, CampaignState, CampaignStatus, Claim, CreateCampaignOptions, DeliveryOutcome, DeliveryState, EnqueueResult } from './types.js';
export { DELIVERY_STATES } from './types.js';
