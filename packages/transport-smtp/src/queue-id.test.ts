import { describe, expect, it } from 'vitest';
import { queueIdOf } from './queue-id.js';

describe('queueIdOf', () => {
  it.each([
    ['250 2.0.0 Ok: queued as 4XyZ12abc', undefined, '4XyZ12abc'],
    ['250 OK id=1qAbCd-000123-Xy', undefined, '1qAbCd-000123-Xy'],
    ['250 2.0.0 OK <abc@x.prod.outlook.com>', '<abc@x.prod.outlook.com>', '<abc@x.prod.outlook.com>'],
    ['250 Ok', undefined, undefined],
  ])('%s', (response, serverMessageId, id) => {
    expect(queueIdOf(response, serverMessageId)).toBe(id);
  });
});
