import rule from '../../src/rules/no-ack-in-finally.js';
import { runRuleTests } from '../setup.js';

const ack = (call: string) => ({ messageId: 'ackInFinally' as const, data: { call } });

runRuleTests('no-ack-in-finally', rule, {
  valid: [
    // the runtime's shape: ack only after success; failures are retried, then dead-lettered
    `async function processMessage(message) {
  try {
    await handler(message);
    await queue.acknowledge(message);
  } catch (error) {
    await queue.deadLetter(message, error);
  } finally {
    inFlight.delete(message.id);
  }
}`,
    `try { await handle(msg); channel.ack(msg); } catch { channel.nack(msg, false, true); }`,
    `try { await handle(msg); } finally { span.end(); }`,
    `try { await handle(msg); } finally { await client.send(new ChangeMessageVisibilityCommand(params)); }`,
    // a callback created in finally is not the finally block running the ack
    `try { await handle(msg); } finally { onDrain(() => msg.ack()); }`,
    { code: `try { await handle(msg); } finally { msg.ack(); }`, options: [{ ackMethods: ['settle'] }] },
  ],
  invalid: [
    {
      name: 'catalogue defect: _process_message acknowledges in finally, so failed messages are lost',
      code: `class QueueProcessor {
  async processMessage(message) {
    try {
      return await this.handler(message);
    } finally {
      // Acknowledge message after processing
      await this.queue.acknowledge(message);
    }
  }
}`,
      errors: [{ ...ack('acknowledge(…)'), line: 7, column: 13 }],
    },
    { code: `try { await handle(msg); } catch (e) { log(e); } finally { channel.ack(msg); }`, errors: [ack('ack(…)')] },
    { code: `try { await handle(m); } finally { if (m) { m.ack(); } }`, errors: [ack('ack(…)')] },
    {
      code: `try { await handle(m); } finally { await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle })); }`,
      errors: [ack('send(…)')],
    },
    { code: `try { await handle(m); } finally { await sqs.deleteMessage({ QueueUrl, ReceiptHandle }).promise(); }`, errors: [ack('deleteMessage(…)')] },
    { code: `try { await processBatch(batch); } finally { await consumer.commitOffsets(offsets); }`, errors: [ack('commitOffsets(…)')] },
    { code: `try { await handle(m); } finally { settle(m); }`, options: [{ ackMethods: ['settle'] }], errors: [ack('settle(…)')] },
    {
      code: `const worker = async (job: Job<Payload>): Promise<void> => { try { await run(job.data); } finally { await (job as AckableJob).ack(); } };`,
      errors: [ack('ack(…)')],
    },
  ],
});
