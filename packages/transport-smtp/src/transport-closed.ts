import { SealpostError } from '@sealpost/core';

export function transportClosed(): SealpostError {
  return new SealpostError('ERR_TRANSPORT_UNAVAILABLE', 'the SMTP transport is closed');
}
