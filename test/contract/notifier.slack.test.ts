// The notifier contract against the Slack-compatible notifier and a real HTTP server standing in for
// Slack's incoming webhook (which answers 5xx/429 when it cannot take a message).
import { slackNotifier, type SlackPayload } from '../../rules/notify/slack.ts';
import { closedPort, startHttpReceiver } from '../helpers/notify-receivers.ts';
import { notifierContract, type ReceivedMessage } from './notifier.contract.ts';

function read(payload: SlackPayload): ReceivedMessage {
  const header = payload.blocks.find((b) => b.type === 'header');
  const fields = payload.blocks.flatMap((b) => (b.type === 'section' ? (b.fields ?? []) : [])).map((f) => f.text);
  const firing = fields.map((f) => /^\*Firing\*\n(\d+)$/.exec(f)?.[1]).find((n) => n !== undefined);
  return { title: header?.type === 'header' ? header.text.text : payload.text, firing: firing === undefined ? null : Number(firing), body: JSON.stringify(payload) };
}

notifierContract('slack', {
  async start({ failures, policy, onDeadLetter }) {
    const receiver = await startHttpReceiver({ respond: (n) => ({ status: n <= failures ? 500 : 200 }) });
    return {
      notifier: slackNotifier({ id: 'contract-slack', url: receiver.url, policy, onDeadLetter }),
      received: () => (receiver.accepted() as SlackPayload[]).map(read),
      attempts: () => receiver.requests.length,
      close: () => receiver.close(),
    };
  },
  async down({ policy, onDeadLetter }) {
    return slackNotifier({ id: 'contract-slack', url: `http://127.0.0.1:${await closedPort()}/services/T/B/X`, policy, onDeadLetter });
  },
});
