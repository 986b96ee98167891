// The notifier contract against the email notifier and a real SMTP sink (smtp-server) that answers
// 451 (transient) to the first attempts when asked to.
import { EmailNotifier } from '../../rules/notify/email.ts';
import { closedPort, startSmtpSink } from '../helpers/notify-receivers.ts';
import { notifierContract } from './notifier.contract.ts';

const addresses = { from: 'ordertrace@shop.example', to: ['oncall@shop.example'] };

notifierContract('email', {
  async start({ failures, policy, onDeadLetter }) {
    const sink = await startSmtpSink({ rejectWith: (n) => (n <= failures ? 451 : undefined) });
    return {
      notifier: new EmailNotifier({ id: 'contract-mail', smtp: { host: sink.host, port: sink.port, secure: false }, ...addresses, policy, onDeadLetter }),
      received: () =>
        sink.messages.map((m) => {
          const firing = /(\d+) firing/.exec(m.subject)?.[1];
          return { title: m.subject, firing: firing === undefined ? null : Number(firing), body: m.text };
        }),
      attempts: () => sink.attempts(),
      close: () => sink.close(),
    };
  },
  async down({ policy, onDeadLetter }) {
    return new EmailNotifier({ id: 'contract-mail', smtp: { host: '127.0.0.1', port: await closedPort(), secure: false }, ...addresses, policy, onDeadLetter });
  },
});
