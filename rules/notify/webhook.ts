// Generic webhook notifier: POSTs the Delivery itself as JSON, signed with HMAC-SHA256 when a secret
// is configured. Also serves tickets and status pushes (a webhook channel receives all three kinds).
import type { HttpChannelOptions } from './http-channel.ts';
import { HttpNotifier } from './http-channel.ts';

export function webhookNotifier(options: HttpChannelOptions): HttpNotifier {
  return new HttpNotifier('webhook', (delivery) => JSON.stringify(delivery), options);
}
