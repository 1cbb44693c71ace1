"""A Python peer for the interoperability tests: declares, publishes and consumes with kombu the way the
Python stemtrace library's RabbitMQ transport does (fanout exchange "{prefix}.events", durable queue
"{prefix}.events.{consumer_id}" with x-message-ttl = ttl * 1000 and x-expires = that + 60000, JSON bodies,
persistent messages, consumers accepting only JSON).

Usage:
  kombu_peer.py declare URL PREFIX CONSUMER_ID TTL_SECONDS
  kombu_peer.py publish URL PREFIX < events.jsonl          (one JSON object per line)
  kombu_peer.py consume URL PREFIX CONSUMER_ID TTL_SECONDS COUNT TIMEOUT_SECONDS > events.jsonl
"""

import json
import socket
import sys

from kombu import Connection, Consumer, Exchange, Producer, Queue


def exchange(prefix):
    return Exchange(prefix + ".events", type="fanout", durable=True)


def queue(prefix, consumer_id, ttl):
    ttl_ms = max(int(ttl), 1) * 1000
    return Queue(
        name=prefix + ".events." + consumer_id,
        exchange=exchange(prefix),
        routing_key="",
        durable=True,
        queue_arguments={"x-message-ttl": ttl_ms, "x-expires": ttl_ms + 60000},
    )


def declare(url, prefix, consumer_id, ttl):
    with Connection(url) as conn:
        channel = conn.channel()
        bound = queue(prefix, consumer_id, ttl)(channel)
        bound.exchange.declare()
        bound.declare()


def publish(url, prefix):
    events = [json.loads(line) for line in sys.stdin if line.strip()]
    with Connection(url) as conn:
        producer = Producer(conn.channel())
        for event in events:
            producer.publish(event, exchange=exchange(prefix), routing_key="", declare=[exchange(prefix)],
                             serializer="json", delivery_mode=2, retry=False)
    print(len(events))


def consume(url, prefix, consumer_id, ttl, count, timeout):
    received = []

    def on_message(body, message):
        if not isinstance(body, dict) or not ("event_type" in body or "task_id" in body):
            message.reject(requeue=False)
            raise SystemExit("not an event: %r (content type %s)" % (body, message.content_type))
        received.append(body)
        message.ack()

    with Connection(url) as conn:
        channel = conn.channel()
        bound = queue(prefix, consumer_id, ttl)(channel)
        bound.exchange.declare()
        bound.declare()
        with Consumer(channel, queues=[bound], callbacks=[on_message], accept=["json"]):
            while len(received) < count:
                try:
                    conn.drain_events(timeout=timeout)
                except socket.timeout:
                    break
    for body in received:
        print(json.dumps(body))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "declare":
        declare(args[0], args[1], args[2], args[3])
    elif command == "publish":
        publish(args[0], args[1])
    elif command == "consume":
        consume(args[0], args[1], args[2], args[3], int(args[4]), float(args[5]))
    else:
        raise SystemExit("unknown command " + command)
