'use strict';
// mqtt.js (the Node.js and browser MQTT client) against a Wharf broker, as an application uses it.
//
//   node scenarios.js <mqtt port> <websocket port> [scenario ...]
//
// Runs every scenario (or the ones named), each with a time limit, and prints one line per scenario,
// "ok <name> (<ms> ms)" or "FAILED <name>: <why>", then "<n> passed, <m> failed". Exits 0 only when every
// scenario passed. io.wharf.e2e.MqttJsTest runs it against a broker it started.

const mqtt = require('mqtt');
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');

const SCENARIO_TIMEOUT_MS = 15000;
const WAIT_MS = 10000;
const run = randomUUID().slice(0, 8); // topics and client ids are unique per run
const [mqttPort, wsPort] = process.argv.slice(2, 4).map(Number);
const tcpUrl = `mqtt://127.0.0.1:${mqttPort}`;
const wsUrl = `ws://127.0.0.1:${wsPort}/mqtt`;

function topic(base) {
  return `mqttjs/${run}/${base}`;
}

function id(base) {
  return `mqttjs-${base}-${run}`;
}

const opened = [];

/** A connected client (guest, v5 unless told); reconnecting is off so that a lost connection shows. */
async function connect(options = {}, url = tcpUrl) {
  const client = await mqtt.connectAsync(url, {
    username: 'guest', password: 'guest', protocolVersion: 5, reconnectPeriod: 0, connectTimeout: WAIT_MS,
    ...options,
  });
  opened.push(client);
  return client;
}

/** Collects the messages a client receives, in order, for take(). */
function inbox(client) {
  const got = [];
  const waiting = [];
  client.on('message', (t, payload, packet) => {
    got.push({ topic: t, payload: payload.toString(), qos: packet.qos, retain: packet.retain, properties: packet.properties });
    while (waiting.length && got.length >= waiting[0].n) waiting.shift().resolve();
  });
  return {
    got,
    /** The next n messages (removed from the inbox), waiting up to WAIT_MS. */
    async take(n = 1) {
      if (got.length < n) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} messages, got ${JSON.stringify(got)}`)), WAIT_MS);
          waiting.push({ n, resolve: () => { clearTimeout(timer); resolve(); } });
        });
      }
      return got.splice(0, n);
    },
  };
}

/** Connecting is refused: the error's code is the CONNACK's return code (3.1.1) or reason code (v5). */
async function refused(options) {
  try {
    const c = await connect(options);
    await c.endAsync();
  } catch (e) {
    return e.code;
  }
  throw new Error('connect was accepted');
}

/** Publishes a marker and returns what arrived before it: shows that nothing else came. */
async function upToMarker(publisher, box, t) {
  const marker = `marker ${randomUUID()}`;
  await publisher.publishAsync(t, marker, { qos: 1 });
  const before = [];
  for (;;) {
    const [m] = await box.take();
    if (m.payload === marker) return before;
    before.push(m);
  }
}

const scenarios = {
  /** MQTT 3.1.1 with user and password: CONNACK 0 without a session; a wrong password is return code 4. */
  async 'connect-v311'() {
    const connacks = [];
    const c = mqtt.connect(tcpUrl, { username: 'guest', password: 'guest', protocolVersion: 4, clientId: id('v311'),
      reconnectPeriod: 0 });
    opened.push(c);
    c.on('connect', (p) => connacks.push(p));
    await new Promise((resolve, reject) => { c.once('connect', resolve); c.once('error', reject); });
    assert.deepEqual(connacks.map((p) => [p.returnCode, p.sessionPresent]), [[0, false]]);
    await c.endAsync();
    assert.equal(await refused({ protocolVersion: 4, password: 'wrong' }), 4);
    assert.equal(await refused({ protocolVersion: 4, username: 'nobody', password: 'x' }), 4);
  },

  /** MQTT 5: CONNACK reason 0 with the broker's properties; a wrong password is 0x86. */
  async 'connect-v5'() {
    const connacks = [];
    const c = mqtt.connect(tcpUrl, { username: 'guest', password: 'guest', protocolVersion: 5, reconnectPeriod: 0,
      clientId: '' });
    opened.push(c);
    c.on('connect', (p) => connacks.push(p));
    await new Promise((resolve, reject) => { c.once('connect', resolve); c.once('error', reject); });
    assert.equal(connacks.length, 1);
    assert.equal(connacks[0].reasonCode, 0);
    assert.equal(connacks[0].sessionPresent, false);
    // An empty client id with clean start: the broker assigns one.
    assert.equal(typeof connacks[0].properties.assignedClientIdentifier, 'string');
    assert.ok(connacks[0].properties.assignedClientIdentifier.length > 0);
    await c.endAsync();
    assert.equal(await refused({ password: 'wrong' }), 0x86);
  },

  /** QoS 0, 1 and 2 through a '+' filter and a '#' filter, granted as asked, in order, at the published QoS. */
  async 'qos-round-trip'() {
    const sub = await connect({ clientId: id('qos-sub') });
    const box = inbox(sub);
    const granted = await sub.subscribeAsync({ [topic('qos/+/t')]: { qos: 2 }, [topic('hash/#')]: { qos: 1 } });
    assert.deepEqual(granted.map((g) => [g.topic, g.qos]), [[topic('qos/+/t'), 2], [topic('hash/#'), 1]]);
    const pub = await connect({ clientId: id('qos-pub') });
    for (const qos of [0, 1, 2]) await pub.publishAsync(topic(`qos/q${qos}/t`), `at ${qos}`, { qos });
    const got = await box.take(3);
    assert.deepEqual(got.map((m) => [m.topic, m.payload, m.qos, m.retain]),
      [0, 1, 2].map((q) => [topic(`qos/q${q}/t`), `at ${q}`, q, false]));
    // '#' matches its parent level too; delivered at the granted QoS 1, not the published 2.
    await pub.publishAsync(topic('hash'), 'parent', { qos: 2 });
    await pub.publishAsync(topic('hash/a/b/c'), 'deep', { qos: 2 });
    await pub.publishAsync(topic('qos/x/y/t'), 'not matched by +', { qos: 1 });
    const more = await box.take(2);
    assert.deepEqual(more.map((m) => [m.topic, m.payload, m.qos]),
      [[topic('hash'), 'parent', 1], [topic('hash/a/b/c'), 'deep', 1]]);
    assert.deepEqual(await upToMarker(pub, box, topic('hash/marker')), []);
  },

  /** A retained message reaches a later subscriber with RETAIN set; an empty retained payload clears it. */
  async retained() {
    const t = topic('retained/status');
    const pub = await connect({ clientId: id('ret-pub') });
    await pub.publishAsync(t, 'first', { qos: 1, retain: true });
    await pub.publishAsync(t, 'online', { qos: 1, retain: true }); // the last wins
    const late = await connect({ clientId: id('ret-late') });
    const box = inbox(late);
    await late.subscribeAsync(topic('retained/+'), { qos: 1 });
    const [m] = await box.take();
    assert.deepEqual([m.topic, m.payload, m.qos, m.retain], [t, 'online', 1, true]);
    // A live subscriber gets the clearing publish itself, RETAIN off.
    await pub.publishAsync(t, '', { qos: 1, retain: true });
    const [cleared] = await box.take();
    assert.deepEqual([cleared.payload, cleared.retain], ['', false]);
    const later = await connect({ clientId: id('ret-later') });
    const box2 = inbox(later);
    await later.subscribeAsync(topic('retained/+'), { qos: 1 });
    assert.deepEqual(await upToMarker(pub, box2, topic('retained/marker')), []);
  },

  /** 3.1.1 clean=false and v5 sessionExpiryInterval: QoS 1 messages published while away arrive in order. */
  async 'persistent-session'() {
    const pub = await connect({ clientId: id('sess-pub') });
    for (const [version, options] of [[4, { clean: false }], [5, { clean: false, properties: { sessionExpiryInterval: 300 } }]]) {
      const clientId = id(`sess-v${version}`);
      const t = topic(`session/v${version}`);
      const first = await connect({ protocolVersion: version, clientId, clean: true });
      await first.endAsync(); // starts from no session
      const sub = await connect({ protocolVersion: version, clientId, ...options });
      await sub.subscribeAsync(t, { qos: 1 });
      await sub.endAsync();
      for (let i = 0; i < 10; i++) await pub.publishAsync(t, `queued ${i}`, { qos: 1 });
      const back = mqtt.connect(tcpUrl, { username: 'guest', password: 'guest', protocolVersion: version, clientId,
        reconnectPeriod: 0, ...options });
      opened.push(back);
      const box = inbox(back); // before the CONNACK: the queued messages follow it at once
      const connack = await new Promise((resolve, reject) => { back.once('connect', resolve); back.once('error', reject); });
      assert.equal(connack.sessionPresent, true, `v${version} session present`);
      const got = await box.take(10);
      assert.deepEqual(got.map((m) => [m.payload, m.qos]), Array.from({ length: 10 }, (_, i) => [`queued ${i}`, 1]));
      await back.endAsync();
      const clean = await connect({ protocolVersion: version, clientId, clean: true }); // leaves no session behind
      await clean.endAsync();
    }
  },

  /** The will goes out when the socket is destroyed, not after end(). */
  async 'last-will'() {
    const watcher = await connect({ clientId: id('will-watcher') });
    const box = inbox(watcher);
    await watcher.subscribeAsync(topic('will/#'), { qos: 1 });
    const will = (name) => ({ topic: topic(`will/${name}`), payload: Buffer.from(`${name} is gone`), qos: 1, retain: false });
    const lost = await connect({ protocolVersion: 4, clientId: id('will-lost'), will: will('lost') });
    lost.stream.destroy();
    const [m] = await box.take();
    assert.deepEqual([m.topic, m.payload, m.qos, m.retain], [topic('will/lost'), 'lost is gone', 1, false]);
    const polite = await connect({ clientId: id('will-polite'), will: will('polite') });
    await polite.endAsync();
    assert.deepEqual(await upToMarker(watcher, box, topic('will/marker')), []);
  },

  /** MQTT 5 publish properties reach a v5 subscriber as sent. */
  async 'v5-properties'() {
    const sub = await connect({ clientId: id('props-sub') });
    const box = inbox(sub);
    await sub.subscribeAsync(topic('props'), { qos: 1 });
    const pub = await connect({ clientId: id('props-pub') });
    await pub.publishAsync(topic('props'), '{"temp":21.5}', { qos: 1, properties: {
      userProperties: { site: 'k1', unit: 'C' }, contentType: 'application/json', responseTopic: topic('props/reply'),
      correlationData: Buffer.from([0, 1, 2, 255]), messageExpiryInterval: 600, payloadFormatIndicator: true,
    } });
    const [m] = await box.take();
    assert.equal(m.payload, '{"temp":21.5}');
    const p = m.properties;
    assert.deepEqual({ ...p.userProperties }, { site: 'k1', unit: 'C' });
    assert.equal(p.contentType, 'application/json');
    assert.equal(p.responseTopic, topic('props/reply'));
    assert.deepEqual([...p.correlationData], [0, 1, 2, 255]);
    assert.equal(p.payloadFormatIndicator, true);
    // The expiry counts down from 600 while the message waits; it cannot have grown.
    assert.ok(p.messageExpiryInterval > 590 && p.messageExpiryInterval <= 600, `expiry ${p.messageExpiryInterval}`);
  },

  /** $share/g/<filter>: each message to one of two members, each member some of them. */
  async 'shared-subscription'() {
    const members = [];
    for (const name of ['a', 'b']) {
      const c = await connect({ clientId: id(`share-${name}`) });
      members.push(inbox(c));
      const [g] = await c.subscribeAsync(`$share/g${run}/${topic('shared/+')}`, { qos: 1 });
      assert.equal(g.qos, 1);
    }
    const pub = await connect({ clientId: id('share-pub') });
    const n = 20;
    for (let i = 0; i < n; i++) await pub.publishAsync(topic(`shared/${i}`), `s${i}`, { qos: 1 });
    await until(`${n} shared deliveries`, () => members[0].got.length + members[1].got.length >= n);
    const [a, b] = members.map((m) => m.got.map((x) => x.payload));
    assert.ok(a.length > 0 && b.length > 0, `both members get some: ${a.length} and ${b.length}`);
    assert.deepEqual([...a, ...b].sort(), Array.from({ length: n }, (_, i) => `s${i}`).sort());
    // Each member sees its share in publish order.
    const index = (s) => Number(s.slice(1));
    for (const got of [a, b]) assert.deepEqual(got.map(index), got.map(index).sort((x, y) => x - y));
  },

  /** ws://.../mqtt, as in a browser: v5 and 3.1.1 over WebSocket, QoS 2 both ways with a TCP client. */
  async websocket() {
    const tcp = await connect({ clientId: id('ws-tcp') });
    const tcpBox = inbox(tcp);
    await tcp.subscribeAsync(topic('ws/from-browser'), { qos: 2 });
    for (const version of [5, 4]) {
      const ws = await connect({ protocolVersion: version, clientId: id(`ws-v${version}`) }, wsUrl);
      const wsBox = inbox(ws);
      await ws.subscribeAsync(topic('ws/#'), { qos: 2 });
      await ws.publishAsync(topic('ws/from-browser'), `v${version} clicked`, { qos: 2 });
      const [atTcp] = await tcpBox.take();
      assert.deepEqual([atTcp.payload, atTcp.qos], [`v${version} clicked`, 2]);
      const [own] = await wsBox.take();
      assert.equal(own.payload, `v${version} clicked`);
      await tcp.publishAsync(topic('ws/from-tcp'), Buffer.alloc(100000, 'x'), { qos: 1 }); // over several frames
      const [fromTcp] = await wsBox.take();
      assert.deepEqual([fromTcp.topic, fromTcp.payload.length, fromTcp.qos], [topic('ws/from-tcp'), 100000, 1]);
      await ws.endAsync();
    }
  },
};

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

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
  })]).finally(() => clearTimeout(timer));
}

async function main() {
  if (!(mqttPort > 0) || !(wsPort > 0)) {
    console.error('usage: node scenarios.js <mqtt port> <websocket port> [scenario ...]');
    process.exit(2);
  }
  const names = process.argv.length > 4 ? process.argv.slice(4) : Object.keys(scenarios);
  let passed = 0;
  let failed = 0;
  for (const name of names) {
    const scenario = scenarios[name];
    const started = Date.now();
    try {
      if (!scenario) throw new Error(`no such scenario; known: ${Object.keys(scenarios).join(', ')}`);
      await withTimeout(scenario(), SCENARIO_TIMEOUT_MS);
      console.log(`ok ${name} (${Date.now() - started} ms)`);
      passed++;
    } catch (e) {
      console.log(`FAILED ${name}: ${(e && e.stack) || e}`.replace(/\n/g, ' | '));
      failed++;
    } finally {
      for (const c of opened.splice(0)) c.end(true);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main();
