import type { RecipientOutcome } from '../send/send-report.js';
import type { JournalState } from './journal.js';
import type { BulkRecipient } from './recipients.js';

export interface ResumeRules {
  /** Send again recipients whose earlier send has no known outcome (it may have gone out). */
  readonly resendUnknown: boolean;
  /** Send again recipients whose earlier send was certainly not delivered: rejected, deferred, failed. */
  readonly retryFailed: boolean;
}

export type Decision =
  { readonly kind: 'send'; readonly recipient: BulkRecipient; readonly again: boolean } | { readonly kind: 'keep'; readonly recipient: BulkRecipient; readonly outcome: RecipientOutcome };

const NOT_RESENT = 'an earlier run stopped while the message was with the transport, so it may have been delivered; not sent again (--resend-unknown sends it again)';

/**
 * What to do with each recipient given the journal of earlier runs. A recipient with a recorded
 * outcome is not sent again, except as the rules allow; one whose send started but has no outcome
 * is reported `unknown` and not sent again unless `resendUnknown`.
 */
export function planRun(recipients: readonly BulkRecipient[], state: JournalState, rules: ResumeRules): Decision[] {
  return recipients.map((recipient): Decision => {
    const earlier = state.outcomes.get(recipient.address);
    if (earlier === undefined) {
      if (!state.unresolved.has(recipient.address)) return { kind: 'send', recipient, again: false };
      if (rules.resendUnknown) return { kind: 'send', recipient, again: true };
      return { kind: 'keep', recipient, outcome: unresolvedOutcome(recipient) };
    }
    if (earlier.status === 'accepted') return { kind: 'keep', recipient, outcome: earlier };
    if (earlier.status === 'unknown') return rules.resendUnknown ? { kind: 'send', recipient, again: true } : { kind: 'keep', recipient, outcome: earlier };
    return rules.retryFailed ? { kind: 'send', recipient, again: true } : { kind: 'keep', recipient, outcome: earlier };
  });
}

function unresolvedOutcome(recipient: BulkRecipient): RecipientOutcome {
  return {
    address: recipient.address,
    line: recipient.line,
    status: 'unknown',
    signed: false,
    encrypted: false,
    error: { code: 'ERR_TRANSPORT_OUTCOME_UNKNOWN', message: NOT_RESENT },
  };
}
