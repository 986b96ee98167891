// The notifier contract against the generic webhook notifier and a real HTTP server that verifies
// every delivery's HMAC signature (an unsigned or wrongly signed one would be refused with 401).
import { webhookNotifier } from '../../rules/notify/webhook.ts';
import type { Delivery } from '../../rules/notify/notification.ts';
import { closedPort, startHttpReceiver } from '../helpers/notify-receivers.ts';
import { notifierContract, type ReceivedMessage } from './notifier.contract.ts';

const SECRET = 'contract-secret';

function read(delivery: Delivery): ReceivedMessage {
  const body = JSON.stringify(delivery);
  if (delivery.type === 'notification') return { title: delivery.notification.title, firing: delivery.notification.firing, body };
  if (delivery.type === 'ticket') return { title: delivery.ticket.title, firing: null, body };
  return { title: `status of ${delivery.status.orderId}`, firing: null, body };
}

notifierContract('webhook', {
  async start({ failures, policy, onDeadLetter }) {
    const receiver = await startHttpReceiver({ secret: SECRET, respond: (n) => ({ status: n <= failures ? 503 : 200 }) });
    return {
      notifier: webhookNotifier({ id: 'contract-hook', url: receiver.url, secret: SECRET, policy, onDeadLetter }),
      received: () => (receiver.accepted() as Delivery[]).map(read),
      attempts: () => receiver.requests.length,
      close: () => receiver.close(),
    };
  },
  async down({ policy, onDeadLetter }) {
    return webhookNotifier({ id: 'contract-hook', url: `http://127.0.0.1:${await closedPort()}/hook`, secret: SECRET, policy, onDeadLetter });
  },
});
