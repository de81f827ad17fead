'use strict';
// amqplib (the Node.js AMQP 0-9-1 client) against a Wharf broker, as a Node application uses it.
//
//   node scenarios.js <amqp port> [scenario ...]
//
// Runs every scenario (or the ones named), each on its own connection with a time limit, and prints one
// line per scenario, "ok <name> (<ms> ms)" or "FAILED <name>: <why>", then "<n> passed, <m> failed". Exits 0 only
// when every scenario passed. io.wharf.e2e.AmqplibTest runs it against a broker it started.

const amqp = require('amqplib');
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');

const SCENARIO_TIMEOUT_MS = 15000;
const WAIT_MS = 10000;
const run = randomUUID().slice(0, 8); // queue and exchange names are unique per run

function name(base) {
  return `amqplib.${base}.${run}`;
}

/** Resolves when condition() holds; rejects naming what it waited for after WAIT_MS. */
function until(what, condition) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + WAIT_MS;
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 2); // polls: lets the socket's events in between
    };
    check();
  });
}

/** Every ready message of a queue, taken with basic.get and no ack, as text. */
async function drain(ch, queue) {
  const got = [];
  for (;;) {
    const m = await ch.get(queue, { noAck: true });
    if (m === false) return got;
    got.push(m.content.toString());
  }
}

function range(n, f) {
  return Array.from({ length: n }, (_, i) => f(i));
}

const scenarios = {
  /** assertQueue, sendToQueue, consume with manual acks: every message once, in order, none left. */
  async 'work-queue-ack'(conn) {
    const ch = await conn.createChannel();
    const q = name('tasks');
    const ok = await ch.assertQueue(q, { durable: true });
    assert.equal(ok.queue, q);
    assert.equal(ok.messageCount, 0);
    const n = 200;
    for (let i = 0; i < n; i++) ch.sendToQueue(q, Buffer.from(`task ${i}`), { persistent: true });
    const got = [];
    await ch.consume(q, (m) => {
      got.push(m.content.toString());
      ch.ack(m);
    });
    await until(`${n} deliveries`, () => got.length >= n);
    assert.deepEqual(got, range(n, (i) => `task ${i}`));
    await ch.close(); // closing would requeue anything unacked
    const check = await conn.createChannel();
    assert.equal((await check.checkQueue(q)).messageCount, 0);
  },

  /** prefetch(3): the broker hands out three unacked messages at a time and holds the rest back. */
  async prefetch(conn) {
    const ch = await conn.createChannel();
    const q = name('prefetch');
    await ch.assertQueue(q, { durable: false });
    const n = 12;
    for (let i = 0; i < n; i++) ch.sendToQueue(q, Buffer.from(`p${i}`));
    await ch.prefetch(3);
    const held = [];
    await ch.consume(q, (m) => held.push(m));
    const observer = await conn.createChannel();
    for (let expected = 3; expected <= n; expected += 3) {
      await until(`${expected} deliveries`, () => held.length >= expected);
      assert.equal(held.length, expected, 'no more than the prefetch window is delivered');
      assert.equal((await observer.checkQueue(q)).messageCount, n - expected, 'the rest stays ready');
      ch.ack(held[expected - 1], true); // multiple: settles the whole window
    }
    assert.deepEqual(held.map((m) => m.content.toString()), range(n, (i) => `p${i}`));
    await ch.close();
    assert.equal((await observer.checkQueue(q)).messageCount, 0);
  },

  /** nack with requeue: the message comes back marked redelivered; reject without requeue drops it. */
  async 'nack-requeue'(conn) {
    const ch = await conn.createChannel();
    const q = name('nack');
    await ch.assertQueue(q, { durable: false });
    ch.sendToQueue(q, Buffer.from('again'));
    const seen = [];
    await ch.consume(q, (m) => {
      seen.push({ body: m.content.toString(), redelivered: m.fields.redelivered });
      if (seen.length === 1) ch.nack(m, false, true);
      else ch.reject(m, false);
    });
    await until('the redelivery', () => seen.length >= 2);
    assert.deepEqual(seen, [
      { body: 'again', redelivered: false },
      { body: 'again', redelivered: true },
    ]);
    await ch.close();
    const check = await conn.createChannel();
    assert.equal((await check.checkQueue(q)).messageCount, 0);
  },

  /** A fanout exchange copies each message to every bound server-named exclusive queue. */
  async 'fanout-pubsub'(conn) {
    const ch = await conn.createChannel();
    const ex = name('logs');
    await ch.assertExchange(ex, 'fanout', { durable: false });
    const subscribers = [];
    for (let s = 0; s < 2; s++) {
      const { queue } = await ch.assertQueue('', { exclusive: true });
      assert.match(queue, /^amq\.gen-/);
      await ch.bindQueue(queue, ex, '');
      const got = [];
      await ch.consume(queue, (m) => got.push(m.content.toString()), { noAck: true });
      subscribers.push(got);
    }
    for (let i = 0; i < 5; i++) ch.publish(ex, '', Buffer.from(`log ${i}`));
    for (const got of subscribers) {
      await until('5 copies', () => got.length >= 5);
      assert.deepEqual(got, range(5, (i) => `log ${i}`));
    }
  },

  /** A topic exchange routes by pattern: '*' one word, '#' zero or more. */
  async 'topic-routing'(conn) {
    const ch = await conn.createConfirmChannel();
    const ex = name('topic');
    await ch.assertExchange(ex, 'topic', { durable: false });
    const patterns = { kern: 'kern.*', critical: '*.critical', all: '#', deep: 'app.#.x' };
    const queues = {};
    for (const [key, pattern] of Object.entries(patterns)) {
      queues[key] = (await ch.assertQueue('', { exclusive: true })).queue;
      await ch.bindQueue(queues[key], ex, pattern);
    }
    for (const key of ['kern.info', 'kern.critical', 'app.critical', 'app.info.x', 'app.x', 'kern']) {
      ch.publish(ex, key, Buffer.from(key));
    }
    await ch.waitForConfirms(); // every message is routed and enqueued once confirmed
    assert.deepEqual(await drain(ch, queues.kern), ['kern.info', 'kern.critical']);
    assert.deepEqual(await drain(ch, queues.critical), ['kern.critical', 'app.critical']);
    assert.deepEqual(await drain(ch, queues.all), ['kern.info', 'kern.critical', 'app.critical', 'app.info.x', 'app.x', 'kern']);
    assert.deepEqual(await drain(ch, queues.deep), ['app.info.x', 'app.x']);
  },

  /** A confirm channel: every publish is acked, waitForConfirms resolves; a reject-publish queue nacks. */
  async 'confirm-channel'(conn) {
    const ch = await conn.createConfirmChannel();
    const q = name('confirms');
    await ch.assertQueue(q, { durable: true });
    const results = [];
    for (let i = 0; i < 100; i++) {
      ch.sendToQueue(q, Buffer.from(`c${i}`), { persistent: true }, (err) => results.push(err));
    }
    await ch.waitForConfirms();
    assert.equal(results.length, 100);
    assert.ok(results.every((err) => err === null || err === undefined), 'every message acked');
    assert.equal((await ch.checkQueue(q)).messageCount, 100);

    const full = name('full');
    await ch.assertQueue(full, { durable: false, arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' } });
    const outcome = [];
    ch.sendToQueue(full, Buffer.from('fits'), {}, (err) => outcome.push(err ? 'nack' : 'ack'));
    ch.sendToQueue(full, Buffer.from('refused'), {}, (err) => outcome.push(err ? 'nack' : 'ack'));
    await assert.rejects(ch.waitForConfirms(), 'waitForConfirms rejects when a message was nacked');
    assert.deepEqual(outcome, ['ack', 'nack']);
    assert.deepEqual(await drain(ch, full), ['fits']);
  },

  /** mandatory: an unroutable message comes back as basic.return 312 NO_ROUTE. */
  async 'mandatory-return'(conn) {
    const ch = await conn.createConfirmChannel();
    const ex = name('direct');
    await ch.assertExchange(ex, 'direct', { durable: false });
    const returned = [];
    ch.on('return', (m) => returned.push(m));
    ch.publish(ex, 'nobody', Buffer.from('lost'), { mandatory: true });
    await ch.waitForConfirms();
    await until('basic.return', () => returned.length >= 1);
    const [m] = returned;
    assert.equal(m.fields.replyCode, 312);
    assert.equal(m.fields.replyText, 'NO_ROUTE');
    assert.equal(m.fields.exchange, ex);
    assert.equal(m.fields.routingKey, 'nobody');
    assert.equal(m.content.toString(), 'lost');
  },

  /** RPC as in RabbitMQ's tutorial 6: an exclusive reply queue, replyTo and correlationId. */
  async 'rpc-reply-queue'(conn) {
    const server = await conn.createChannel();
    const requests = name('rpc');
    await server.assertQueue(requests, { durable: false });
    await server.consume(requests, (m) => {
      server.sendToQueue(m.properties.replyTo, Buffer.from(m.content.toString().toUpperCase()),
        { correlationId: m.properties.correlationId });
      server.ack(m);
    });
    const client = await conn.createChannel();
    const { queue: replyTo } = await client.assertQueue('', { exclusive: true });
    const replies = new Map();
    await client.consume(replyTo, (m) => replies.set(m.properties.correlationId, m.content.toString()), { noAck: true });
    const calls = range(5, (i) => ({ id: randomUUID(), request: `call ${i}` }));
    for (const c of calls) client.sendToQueue(requests, Buffer.from(c.request), { correlationId: c.id, replyTo });
    await until('5 replies', () => replies.size >= 5);
    for (const c of calls) assert.equal(replies.get(c.id), c.request.toUpperCase());
  },

  /** RPC through RabbitMQ's direct reply-to pseudo-queue, as many Node RPC libraries do it. */
  async 'rpc-direct-reply-to'(conn) {
    const server = await conn.createChannel();
    const requests = name('rpc-direct');
    await server.assertQueue(requests, { durable: false });
    const seenReplyTo = [];
    await server.consume(requests, (m) => {
      seenReplyTo.push(m.properties.replyTo);
      server.sendToQueue(m.properties.replyTo, Buffer.from(`re: ${m.content}`), { correlationId: m.properties.correlationId });
      server.ack(m);
    });
    const client = await conn.createChannel();
    const replies = [];
    await client.consume('amq.rabbitmq.reply-to', (m) => replies.push(m), { noAck: true });
    client.sendToQueue(requests, Buffer.from('ping'), { correlationId: 'c1', replyTo: 'amq.rabbitmq.reply-to' });
    await until('the reply', () => replies.length >= 1);
    assert.equal(replies[0].content.toString(), 're: ping');
    assert.equal(replies[0].properties.correlationId, 'c1');
    assert.match(seenReplyTo[0], /^amq\.rabbitmq\.reply-to\./);
  },

  /** Every basic property and header type arrives as it was sent. */
  async properties(conn) {
    const ch = await conn.createConfirmChannel();
    const q = name('props');
    await ch.assertQueue(q, { durable: false });
    const timestamp = 1700000000;
    ch.sendToQueue(q, Buffer.from('{"id":1}'), {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      headers: { string: 'text', int: 42, negative: -7, float: 2.5, bool: true, list: ['a', 1], nested: { k: 'v' } },
      persistent: true,
      priority: 7,
      correlationId: 'corr-42',
      replyTo: 'replies',
      expiration: '60000',
      messageId: 'msg-7',
      timestamp,
      type: 'order.created',
      userId: 'guest',
      appId: 'amqplib-test',
    });
    await ch.waitForConfirms();
    const m = await ch.get(q, { noAck: true });
    assert.notEqual(m, false, 'the message is there');
    assert.equal(m.content.toString(), '{"id":1}');
    const p = m.properties;
    assert.equal(p.contentType, 'application/json');
    assert.equal(p.contentEncoding, 'utf-8');
    assert.equal(p.deliveryMode, 2);
    assert.equal(p.priority, 7);
    assert.equal(p.correlationId, 'corr-42');
    assert.equal(p.replyTo, 'replies');
    assert.equal(p.expiration, '60000');
    assert.equal(p.messageId, 'msg-7');
    assert.equal(p.timestamp, timestamp);
    assert.equal(p.type, 'order.created');
    assert.equal(p.userId, 'guest');
    assert.equal(p.appId, 'amqplib-test');
    assert.deepEqual(p.headers, { string: 'text', int: 42, negative: -7, float: 2.5, bool: true, list: ['a', 1], nested: { k: 'v' } });
  },

  /**
   * A 3 MiB message over a connection that asked for 4 KiB frames (frameMax) and accepts none larger
   * (maxFrameSize): Wharf must reassemble the body frames amqplib sends and split what it delivers.
   */
  async 'large-message-small-frames'(_conn, url) {
    const small = await amqp.connect(`${url}?frameMax=4096&maxFrameSize=4096`);
    try {
      assert.equal(small.connection.frameMax, 4096);
      const ch = await small.createConfirmChannel();
      const q = name('big');
      await ch.assertQueue(q, { durable: false });
      const body = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
      ch.sendToQueue(q, body);
      await ch.waitForConfirms();
      const got = [];
      await ch.consume(q, (m) => got.push(m), { noAck: true });
      await until('the delivery', () => got.length >= 1);
      assert.equal(got[0].content.length, body.length);
      assert.ok(got[0].content.equals(body), 'the body arrives byte for byte');
    } finally {
      await small.close();
    }
  },

  /** Deleting a queue cancels its consumers, and amqplib calls the consumer with null (consumer_cancel_notify). */
  async 'consumer-cancel-notify'(conn) {
    const ch = await conn.createChannel();
    const q = name('cancelled');
    await ch.assertQueue(q, { durable: false });
    const calls = [];
    const { consumerTag } = await ch.consume(q, (m) => calls.push(m));
    const other = await conn.createChannel();
    await other.deleteQueue(q);
    await until('the cancel', () => calls.length >= 1);
    assert.deepEqual(calls, [null]);
    assert.ok(consumerTag.length > 0);
    await assert.rejects(other.checkQueue(q), (e) => e.code === 404);
  },

  /**
   * heartbeat=1: amqplib closes the connection with 'Heartbeat timeout' when two one-second intervals
   * pass without a byte from the server, so a connection idle for three seconds stays open only if Wharf
   * sends heartbeats. The idle time is the subject here, not a wait for something to happen.
   */
  async heartbeats(_conn, url) {
    const beating = await amqp.connect(`${url}?heartbeat=1`);
    try {
      assert.equal(beating.connection.heartbeat, 1);
      const errors = [];
      beating.on('error', (e) => errors.push(e));
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.deepEqual(errors.map(String), [], 'no heartbeat timeout');
      const ch = await beating.createChannel();
      const { queue } = await ch.assertQueue('', { exclusive: true });
      assert.match(queue, /^amq\.gen-/);
    } finally {
      await beating.close().catch(() => {});
    }
  },

  /** checkQueue on a missing queue: 404 closes that channel only; the connection and other channels go on. */
  async 'channel-error-404'(conn) {
    const other = await conn.createChannel();
    const q = name('survivor');
    await other.assertQueue(q, { durable: false });
    const ch = await conn.createChannel();
    const errors = [];
    ch.on('error', (e) => errors.push(e));
    let closed = false;
    ch.on('close', () => { closed = true; });
    await assert.rejects(ch.checkQueue(name('missing')), (e) => {
      assert.equal(e.code, 404);
      assert.match(e.message, /NOT_FOUND/);
      return true;
    });
    await until('the channel to close', () => closed);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 404);

    other.sendToQueue(q, Buffer.from('still here'));
    const fresh = await conn.createChannel();
    const ok = await fresh.checkQueue(q);
    assert.equal(ok.queue, q);
    const got = await other.get(q, { noAck: true });
    assert.equal(got.content.toString(), 'still here');
  },
};

/** Run by default: every scenario but those that show a known Wharf gap (AmqplibTest runs those by name). */
const KNOWN_GAPS = new Set(['rpc-direct-reply-to']);

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${SCENARIO_TIMEOUT_MS} ms`)), SCENARIO_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const [port, ...names] = process.argv.slice(2);
  if (!/^\d+$/.test(port || '')) {
    console.error(`usage: node scenarios.js <amqp port> [${Object.keys(scenarios).join('|')} ...]`);
    process.exit(2);
  }
  const unknown = names.filter((n) => !(n in scenarios));
  if (unknown.length > 0) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
  const selected = names.length > 0 ? names : Object.keys(scenarios).filter((n) => !KNOWN_GAPS.has(n));
  let passed = 0;
  let failed = 0;
  for (const scenario of selected) {
    let conn;
    const started = Date.now();
    const url = `amqp://guest:guest@127.0.0.1:${port}/`;
    try {
      conn = await amqp.connect(url);
      conn.on('error', () => {}); // reported through the scenario's own rejection
      await withTimeout(scenarios[scenario](conn, url), scenario);
      console.log(`ok ${scenario} (${Date.now() - started} ms)`);
      passed++;
    } catch (e) {
      console.log(`FAILED ${scenario}: ${e && e.stack ? e.stack : e}`);
      failed++;
    } finally {
      if (conn) await conn.close().catch(() => {});
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`scenarios.js crashed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
