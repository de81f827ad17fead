#!/usr/bin/env python3
"""pika (Python's AMQP 0-9-1 client, BlockingConnection) against a Wharf broker.

    python3 pika_scenarios.py <amqp port> [scenario ...]

Runs every scenario (or the ones named), each on its own connection with a time limit, and prints one
line per scenario, "ok <name> (<ms> ms)" or "FAILED <name>: <why>", then "<n> passed, <m> failed".
Exits 0 only when every scenario passed. io.wharf.e2e.PikaTest runs it against a broker it started.
"""
import sys
import time
import traceback
import uuid

import pika
import pika.exceptions

WAIT_S = 10.0
RUN = uuid.uuid4().hex[:8]  # queue and exchange names are unique per run
PORT = None  # the broker's AMQP port, from the command line


def connection_parameters(port, **extra):
    return pika.ConnectionParameters(host="127.0.0.1", port=port, credentials=pika.PlainCredentials("guest", "guest"),
                                     blocked_connection_timeout=WAIT_S, socket_timeout=WAIT_S, **extra)


def name(base):
    return "pika.%s.%s" % (base, RUN)


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def equal(actual, expected, what):
    if actual != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


def until(conn, what, condition):
    """Pumps the connection's events until condition() holds; fails naming what it waited for."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        conn.process_data_events(time_limit=0.05)


def drain(ch, queue):
    """Every ready message of a queue, taken with basic.get and auto-ack, as text."""
    got = []
    while True:
        method, _props, body = ch.basic_get(queue=queue, auto_ack=True)
        if method is None:
            return got
        got.append(body.decode())


def ready(conn, queue):
    """The queue's ready-message count, from a passive queue.declare on a channel of its own."""
    ch = conn.channel()
    try:
        return ch.queue_declare(queue=queue, passive=True).method.message_count
    finally:
        ch.close()


def expect_channel_close(action, code, text_part):
    """Runs action, which must make the broker close the channel with code; returns the reply text."""
    try:
        action()
    except pika.exceptions.ChannelClosedByBroker as e:
        equal(e.reply_code, code, "reply code")
        check(text_part in e.reply_text, "reply text %r names %r" % (e.reply_text, text_part))
        return e.reply_text
    raise AssertionError("expected channel.close %d, the broker accepted it" % code)


def queue_declare_publish_get(conn):
    """queue_declare, basic_publish, basic_get: bodies in order, message counts, an empty get."""
    ch = conn.channel()
    q = name("hello")
    ok = ch.queue_declare(queue=q, durable=True)
    equal(ok.method.queue, q, "declared queue")
    equal(ok.method.message_count, 0, "a new queue is empty")
    for i in range(3):
        ch.basic_publish(exchange="", routing_key=q, body=("hello %d" % i).encode())
    left = []
    got = []
    while len(got) < 3:
        method, _props, body = ch.basic_get(queue=q, auto_ack=True)
        if method is None:
            conn.process_data_events(time_limit=0.05)  # the publishes may still be on their way
            continue
        got.append(body.decode())
        left.append(method.message_count)
    equal(got, ["hello 0", "hello 1", "hello 2"], "bodies")
    equal(left, [2, 1, 0], "message counts after each get")
    equal(ch.basic_get(queue=q, auto_ack=True), (None, None, None), "get on an empty queue")


def consume_ack(conn):
    """basic_consume with manual acks: every message once, in order, nothing left after the close."""
    ch = conn.channel()
    q = name("work")
    ch.queue_declare(queue=q, durable=True)
    n = 200
    for i in range(n):
        ch.basic_publish(exchange="", routing_key=q, body=("task %d" % i).encode(),
                         properties=pika.BasicProperties(delivery_mode=2))
    got = []

    def on_message(channel, method, _props, body):
        got.append(body.decode())
        channel.basic_ack(delivery_tag=method.delivery_tag)

    ch.basic_consume(queue=q, on_message_callback=on_message, auto_ack=False)
    until(conn, "%d deliveries" % n, lambda: len(got) >= n)
    equal(got, ["task %d" % i for i in range(n)], "deliveries")
    ch.close()  # would requeue anything unacked
    equal(ready(conn, q), 0, "ready messages after the consumer's channel closed")


def prefetch(conn):
    """basic_qos(prefetch_count=3): three unacked messages at a time, the rest held back."""
    ch = conn.channel()
    q = name("prefetch")
    ch.queue_declare(queue=q)
    n = 12
    for i in range(n):
        ch.basic_publish(exchange="", routing_key=q, body=("p%d" % i).encode())
    ch.basic_qos(prefetch_count=3)
    held = []
    ch.basic_consume(queue=q, on_message_callback=lambda c, m, p, b: held.append((m, b)), auto_ack=False)
    for expected in range(3, n + 1, 3):
        until(conn, "%d deliveries" % expected, lambda: len(held) >= expected)
        equal(len(held), expected, "deliveries within the prefetch window")
        equal(ready(conn, q), n - expected, "ready messages")
        ch.basic_ack(delivery_tag=held[-1][0].delivery_tag, multiple=True)
    equal([b.decode() for _m, b in held], ["p%d" % i for i in range(n)], "deliveries")
    ch.close()
    equal(ready(conn, q), 0, "ready messages at the end")


def nack_requeue(conn):
    """basic_nack with requeue: redelivered=True the second time; basic_reject without requeue drops it."""
    ch = conn.channel()
    q = name("nack")
    ch.queue_declare(queue=q)
    ch.basic_publish(exchange="", routing_key=q, body=b"again")
    seen = []

    def on_message(channel, method, _props, body):
        seen.append((body, method.redelivered))
        if len(seen) == 1:
            channel.basic_nack(delivery_tag=method.delivery_tag, requeue=True)
        else:
            channel.basic_reject(delivery_tag=method.delivery_tag, requeue=False)

    ch.basic_consume(queue=q, on_message_callback=on_message)
    until(conn, "the redelivery", lambda: len(seen) >= 2)
    equal(seen, [(b"again", False), (b"again", True)], "deliveries")
    ch.close()
    equal(ready(conn, q), 0, "ready messages after the reject")


def confirm_delivery(conn):
    """confirm_delivery: each publish confirmed; mandatory unroutable raises UnroutableError (312);
    a reject-publish queue over its length nacks (NackError)."""
    ch = conn.channel()
    ch.confirm_delivery()
    q = name("confirms")
    ch.queue_declare(queue=q, durable=True)
    for i in range(100):
        ch.basic_publish(exchange="", routing_key=q, body=("c%d" % i).encode(),
                         properties=pika.BasicProperties(delivery_mode=2))
    equal(ready(conn, q), 100, "confirmed messages in the queue")

    try:
        ch.basic_publish(exchange="", routing_key=name("nowhere"), body=b"lost", mandatory=True)
        raise AssertionError("a mandatory unroutable publish was not returned")
    except pika.exceptions.UnroutableError as e:
        equal(len(e.messages), 1, "returned messages")
        returned = e.messages[0]
        equal(returned.method.reply_code, 312, "basic.return reply code")
        equal(returned.method.reply_text, "NO_ROUTE", "basic.return reply text")
        equal(returned.body, b"lost", "returned body")

    full = name("full")
    ch.queue_declare(queue=full, arguments={"x-max-length": 1, "x-overflow": "reject-publish"})
    ch.basic_publish(exchange="", routing_key=full, body=b"fits")
    try:
        ch.basic_publish(exchange="", routing_key=full, body=b"refused")
        raise AssertionError("a publish to a full reject-publish queue was confirmed")
    except pika.exceptions.NackError:
        pass  # pika 1.2 lists only returned messages in the error, so it names none here
    equal(drain(ch, full), ["fits"], "what the full queue kept")


def exchange_types(conn):
    """direct, fanout, topic and headers exchanges route as RabbitMQ does (publishes confirmed first)."""
    ch = conn.channel()
    ch.confirm_delivery()

    def queue_bound(exchange, routing_key="", arguments=None):
        q = ch.queue_declare(queue="", exclusive=True).method.queue
        check(q.startswith("amq.gen-"), "server-named queue %r" % q)
        ch.queue_bind(queue=q, exchange=exchange, routing_key=routing_key, arguments=arguments)
        return q

    direct = name("direct")
    ch.exchange_declare(exchange=direct, exchange_type="direct")
    errors, infos = queue_bound(direct, "error"), queue_bound(direct, "info")
    for key in ["info", "error", "warning", "info"]:
        ch.basic_publish(exchange=direct, routing_key=key, body=key.encode())
    equal(drain(ch, errors), ["error"], "direct 'error'")
    equal(drain(ch, infos), ["info", "info"], "direct 'info'")

    fanout = name("fanout")
    ch.exchange_declare(exchange=fanout, exchange_type="fanout")
    a, b = queue_bound(fanout), queue_bound(fanout)
    for i in range(3):
        ch.basic_publish(exchange=fanout, routing_key="ignored", body=("f%d" % i).encode())
    equal(drain(ch, a), ["f0", "f1", "f2"], "fanout copy a")
    equal(drain(ch, b), ["f0", "f1", "f2"], "fanout copy b")

    topic = name("topic")
    ch.exchange_declare(exchange=topic, exchange_type="topic")
    kern, critical, everything = queue_bound(topic, "kern.*"), queue_bound(topic, "*.critical"), queue_bound(topic, "#")
    keys = ["kern.info", "kern.critical", "app.critical", "app.info.x", "kern"]
    for key in keys:
        ch.basic_publish(exchange=topic, routing_key=key, body=key.encode())
    equal(drain(ch, kern), ["kern.info", "kern.critical"], "topic kern.*")
    equal(drain(ch, critical), ["kern.critical", "app.critical"], "topic *.critical")
    equal(drain(ch, everything), keys, "topic #")

    headers = name("headers")
    ch.exchange_declare(exchange=headers, exchange_type="headers")
    all_of = queue_bound(headers, arguments={"x-match": "all", "format": "pdf", "type": "report"})
    any_of = queue_bound(headers, arguments={"x-match": "any", "format": "pdf", "type": "log"})
    for body, hdrs in [("pdf report", {"format": "pdf", "type": "report"}), ("pdf only", {"format": "pdf"}),
                       ("log", {"type": "log"}), ("none", {"format": "zip"})]:
        ch.basic_publish(exchange=headers, routing_key="", body=body.encode(),
                         properties=pika.BasicProperties(headers=hdrs))
    equal(drain(ch, all_of), ["pdf report"], "headers x-match all")
    equal(drain(ch, any_of), ["pdf report", "pdf only", "log"], "headers x-match any")


def rpc_reply_queue(conn):
    """RPC as in RabbitMQ's tutorial 6: an exclusive reply queue, reply_to and correlation_id."""
    server = conn.channel()
    requests = name("rpc")
    server.queue_declare(queue=requests)

    def on_request(channel, method, props, body):
        channel.basic_publish(exchange="", routing_key=props.reply_to, body=body.upper(),
                              properties=pika.BasicProperties(correlation_id=props.correlation_id))
        channel.basic_ack(delivery_tag=method.delivery_tag)

    server.basic_consume(queue=requests, on_message_callback=on_request)
    client = conn.channel()
    reply_to = client.queue_declare(queue="", exclusive=True).method.queue
    replies = {}
    client.basic_consume(queue=reply_to, auto_ack=True,
                         on_message_callback=lambda c, m, p, b: replies.__setitem__(p.correlation_id, b))
    calls = {str(uuid.uuid4()): ("call %d" % i).encode() for i in range(5)}
    for corr, body in calls.items():
        client.basic_publish(exchange="", routing_key=requests, body=body,
                             properties=pika.BasicProperties(reply_to=reply_to, correlation_id=corr))
    until(conn, "5 replies", lambda: len(replies) >= 5)
    equal(replies, {corr: body.upper() for corr, body in calls.items()}, "replies by correlation id")


def rpc_direct_reply_to(conn):
    """RPC through RabbitMQ's direct reply-to pseudo-queue (pika's own docs/examples/direct_reply_to)."""
    server = conn.channel()
    requests = name("rpc-direct")
    server.queue_declare(queue=requests)
    seen_reply_to = []

    def on_request(channel, method, props, body):
        seen_reply_to.append(props.reply_to)
        channel.basic_publish(exchange="", routing_key=props.reply_to, body=b"re: " + body,
                              properties=pika.BasicProperties(correlation_id=props.correlation_id))
        channel.basic_ack(delivery_tag=method.delivery_tag)

    server.basic_consume(queue=requests, on_message_callback=on_request)
    client = conn.channel()
    replies = []
    client.basic_consume(queue="amq.rabbitmq.reply-to", auto_ack=True,
                         on_message_callback=lambda c, m, p, b: replies.append((p.correlation_id, b)))
    client.basic_publish(exchange="", routing_key=requests, body=b"ping",
                         properties=pika.BasicProperties(reply_to="amq.rabbitmq.reply-to", correlation_id="c1"))
    until(conn, "the reply", lambda: len(replies) >= 1)
    equal(replies, [("c1", b"re: ping")], "replies")
    check(seen_reply_to[0].startswith("amq.rabbitmq.reply-to."), "rewritten reply_to %r" % seen_reply_to[0])


def properties(conn):
    """Every basic property and header type arrives as it was sent."""
    ch = conn.channel()
    ch.confirm_delivery()
    q = name("props")
    ch.queue_declare(queue=q)
    headers = {"string": "text", "int": 42, "negative": -7, "big": 1 << 40, "bool": True,
               "list": ["a", 1], "nested": {"k": "v"}}
    sent = pika.BasicProperties(content_type="application/json", content_encoding="utf-8", headers=headers,
                                delivery_mode=2, priority=7, correlation_id="corr-42", reply_to="replies",
                                expiration="60000", message_id="msg-7", timestamp=1700000000,
                                type="order.created", user_id="guest", app_id="pika-test")
    ch.basic_publish(exchange="", routing_key=q, body=b'{"id":1}', properties=sent)
    method, got, body = ch.basic_get(queue=q, auto_ack=True)
    check(method is not None, "the message is there")
    equal(body, b'{"id":1}', "body")
    for field in ["content_type", "content_encoding", "delivery_mode", "priority", "correlation_id", "reply_to",
                  "expiration", "message_id", "timestamp", "type", "user_id", "app_id"]:
        equal(getattr(got, field), getattr(sent, field), field)
    # pika decodes AMQP long strings as bytes (str on the way out): compare the text.
    decoded = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in got.headers.items()}
    decoded["list"] = [(v.decode() if isinstance(v, bytes) else v) for v in decoded["list"]]
    decoded["nested"] = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in decoded["nested"].items()}
    equal(decoded, headers, "headers")


def large_message_small_frames(_conn):
    """A 3 MiB message over a connection that asked for 4 KiB frames: pika splits what it publishes into
    body frames of at most frame_max, which Wharf must reassemble, and reassembles what Wharf delivers."""
    small = pika.BlockingConnection(connection_parameters(PORT, frame_max=4096))
    try:
        equal(small._impl.params.frame_max, 4096, "negotiated frame_max")  # pylint: disable=protected-access
        ch = small.channel()
        ch.confirm_delivery()
        q = name("big")
        ch.queue_declare(queue=q)
        body = bytes((i * 31) & 0xFF for i in range(3 * 1024 * 1024 + 17))
        ch.basic_publish(exchange="", routing_key=q, body=body)
        got = []
        ch.basic_consume(queue=q, auto_ack=True, on_message_callback=lambda c, m, p, b: got.append(b))
        until(small, "the delivery", lambda: len(got) >= 1)
        equal(len(got[0]), len(body), "body length")
        check(got[0] == body, "the body arrives byte for byte")
    finally:
        small.close()


def consumer_cancel_notify(conn):
    """Deleting a queue cancels its consumers with a basic.cancel from the broker (consumer_cancel_notify)."""
    ch = conn.channel()
    q = name("cancelled")
    ch.queue_declare(queue=q)
    cancels = []
    ch.add_on_cancel_callback(cancels.append)
    tag = ch.basic_consume(queue=q, on_message_callback=lambda *args: None)
    conn.channel().queue_delete(queue=q)
    until(conn, "the basic.cancel", lambda: len(cancels) >= 1)
    equal(cancels[0].method.consumer_tag, tag, "cancelled consumer")
    check(ch.is_open, "the channel stays open")
    equal(ch.consumer_tags, [], "consumers left on the channel")


def channel_errors(conn):
    """A passive declare of a missing queue closes that channel with 404; others, and the connection, go on.
    Redeclaring an exchange with another type and acking an unknown delivery tag are 406."""
    other = conn.channel()
    q = name("survivor")
    other.queue_declare(queue=q)
    ch = conn.channel()
    text = expect_channel_close(lambda: ch.queue_declare(queue=name("missing"), passive=True), 404, "NOT_FOUND")
    check(name("missing") in text, "reply text %r names the queue" % text)
    check(ch.is_closed, "the failed channel is closed")
    check(conn.is_open, "the connection is still open")
    check(other.is_open, "the other channel is still open")

    other.basic_publish(exchange="", routing_key=q, body=b"still here")
    until(conn, "the message", lambda: ready(conn, q) == 1)
    equal(drain(other, q), ["still here"], "the other channel's queue")

    ex = name("typed")
    other.exchange_declare(exchange=ex, exchange_type="direct")
    ch2 = conn.channel()
    expect_channel_close(lambda: ch2.exchange_declare(exchange=ex, exchange_type="fanout"), 406, "PRECONDITION_FAILED")
    ch3 = conn.channel()
    # basic_ack is asynchronous: the next synchronous call brings the channel.close in.
    expect_channel_close(lambda: (ch3.basic_ack(delivery_tag=99), ch3.queue_declare(queue=q, passive=True)),
                         406, "PRECONDITION_FAILED")
    fresh = conn.channel()
    equal(fresh.queue_declare(queue=q, passive=True).method.queue, q, "a new channel works")


SCENARIOS = {
    "queue-declare-publish-get": queue_declare_publish_get,
    "consume-ack": consume_ack,
    "prefetch": prefetch,
    "nack-requeue": nack_requeue,
    "confirm-delivery": confirm_delivery,
    "exchange-types": exchange_types,
    "rpc-reply-queue": rpc_reply_queue,
    "rpc-direct-reply-to": rpc_direct_reply_to,
    "properties": properties,
    "large-message-small-frames": large_message_small_frames,
    "consumer-cancel-notify": consumer_cancel_notify,
    "channel-errors": channel_errors,
}

# Run by default: every scenario but those that show a known Wharf gap (PikaTest runs those by name).
KNOWN_GAPS = {"rpc-direct-reply-to"}


def main(argv):
    if len(argv) < 1 or not argv[0].isdigit():
        print("usage: python3 pika_scenarios.py <amqp port> [%s ...]" % "|".join(SCENARIOS), file=sys.stderr)
        return 2
    global PORT  # pylint: disable=global-statement
    PORT, names = int(argv[0]), argv[1:]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print("unknown scenario(s): %s; known: %s" % (", ".join(unknown), ", ".join(SCENARIOS)), file=sys.stderr)
        return 2
    selected = names or [n for n in SCENARIOS if n not in KNOWN_GAPS]
    params = connection_parameters(PORT)
    passed = failed = 0
    for scenario in selected:
        started = time.monotonic()
        conn = None
        try:
            conn = pika.BlockingConnection(params)
            # Each blocking call waits at most WAIT_S for its answer (pika's own timeouts), and every wait
            # of a scenario goes through until(), bounded the same way.
            SCENARIOS[scenario](conn)
            print("ok %s (%d ms)" % (scenario, (time.monotonic() - started) * 1000), flush=True)
            passed += 1
        except Exception as e:  # noqa: BLE001 - any failure is reported per scenario
            detail = "".join(traceback.format_exception(type(e), e, e.__traceback__)).rstrip()
            summary = type(e).__name__ + (": %s" % e if str(e) else "")
            print("FAILED %s: %s\n%s" % (scenario, summary, detail), flush=True)
            failed += 1
        finally:
            if conn is not None and conn.is_open:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - the scenario's outcome is already reported
                    pass
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
