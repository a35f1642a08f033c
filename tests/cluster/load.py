#!/usr/bin/env python3
"""The client load of script/test-cluster, run in the client's namespace.

Writers create notes through the front balancer, each with an
Idempotency-Key, retrying the same request on any failure until it is
acknowledged; after each acknowledgement the note is read back (a read that
misses it is a violation) and changed once (a PATCH, retried until 200). A feed reader long-polls the change feed and
keeps every change it was given. One more writer, slower, works in
another company, whose webhooks script/test-cluster checks. Each event is
counted under the phase named
in PHASE_FILE when it happened (the failure script/test-cluster is causing).
Runs until STOP_FILE exists, then writes RESULTS (JSON) and exits.
Standard library only: Debian's python3.
"""
import argparse
import json
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from notes_api import Api  # noqa: E402


class Record:
    """What every thread saw, by phase."""

    def __init__(self, phase_file):
        self.phase_file = phase_file
        self.lock = threading.Lock()
        self.acknowledged = []  # {id, subject, key, at, phase}
        self.write_times = []  # (time of a successful write answer, phase)
        self.failed = {}  # phase -> {kind: count}
        self.misses = []  # reads that did not find an acknowledged note
        self.changed = []  # notes whose PATCH was answered 200
        self.feed = []  # cursors in the order given
        self.feed_notes = []  # (note id, change)
        self.errors = []

    def phase(self):
        try:
            with open(self.phase_file) as f:
                return f.read().strip() or "steady"
        except OSError:
            return "steady"

    def fail(self, kind, status):
        phase = self.phase()
        with self.lock:
            counts = self.failed.setdefault(phase, {})
            name = "%s %s" % (kind, status or "no answer")
            counts[name] = counts.get(name, 0) + 1


def until_answered(record, kind, give_up_at, what, send, done):
    """Sends until done(status, body), counting each other answer as a
    failure of `kind`; gives up (an error) on a 4xx no retry can change or
    at `give_up_at`. The last (status, body)."""
    while True:
        status, body = send()
        if done(status, body):
            return status, body
        record.fail(kind, status)
        if 400 <= status < 500 and status not in (408, 409, 429):
            record.errors.append("%s answered %s: %s" % (what, status, body))
            return status, body
        if time.time() > give_up_at:
            record.errors.append("%s: no answer in time" % what)
            return status, body
        time.sleep(0.2)


def acknowledged(status, body):
    return status in (200, 201) and bool(body) and "id" in body


def writer(args, key, number, record, stop, customer, pause, hooked):
    api = Api(args.host, args.port, key, args.timeout)
    reader = Api(args.host, args.port, key, args.timeout)
    sequence = 0
    while not stop.is_set():
        sequence += 1
        subject = "%s-w%d-%d" % (args.run, number, sequence)
        idempotency_key = str(uuid.uuid4())
        # The same request until it is acknowledged: a 5xx or no answer may
        # have applied, and the key makes the retry apply it at most once.
        deadline = time.time() + args.give_up_after
        status, body = until_answered(
            record, "write", deadline, "write %s" % subject,
            lambda: api.request("POST", "/api/customers/%s/notes" % customer, {"subject": subject},
                                {"Idempotency-Key": idempotency_key}),
            acknowledged)
        if not acknowledged(status, body):
            return
        note_id = body["id"]
        now = time.time()
        phase = record.phase()
        with record.lock:
            record.acknowledged.append({"id": note_id, "subject": subject, "at": now, "phase": phase,
                                        "hooked": hooked})
            record.write_times.append((now, phase))
        # Read it back: a miss is a violation; a failure is retried. Then
        # change it, so that each note has two changes to come in order.
        status, body = until_answered(
            record, "read", deadline + 30, "read of note %s" % note_id,
            lambda: reader.request("GET", "/api/customers/notes/%s" % note_id),
            lambda status, body: status in (200, 404))
        if status == 404:
            record.misses.append("note %s (%s) acknowledged, then 404" % (note_id, subject))
        elif status == 200 and body.get("subject") != subject:
            record.misses.append("note %s read back as %r" % (note_id, body.get("subject")))
        status, _ = until_answered(
            record, "change", deadline + 60, "change of note %s" % note_id,
            lambda: api.request("PATCH", "/api/customers/notes/%s" % note_id, {"details": "changed"}),
            lambda status, body: status == 200)
        if status == 200:
            with record.lock:
                record.changed.append([note_id, hooked])
        time.sleep(pause)


def feed_reader(args, key, record, stop, done):
    """Long polls until stop, then walks to the end once more."""
    api = Api(args.host, args.port, key, args.timeout + 25)
    since = ""
    final_walk_until = None
    while True:
        if stop.is_set() and final_walk_until is None:
            final_walk_until = time.time() + 60
        wait = 0 if final_walk_until else 5
        query = "limit=100&wait=%d" % wait + ("&since=" + since if since else "")
        status, body = api.request("GET", "/api/customers/notes/changes?" + query)
        if status != 200 or body is None:
            record.fail("feed", status)
            if final_walk_until and time.time() > final_walk_until:
                record.errors.append("the feed could not be read to its end")
                break
            time.sleep(0.2)
            continue
        changes = body["changes"]
        if 0 < len(changes) < 100 and not final_walk_until:
            # Gather a few changes a page rather than ask once per write:
            # a reader of a busy company would meet its key's rate limit.
            time.sleep(0.25)
        with record.lock:
            for change in changes:
                record.feed.append(change["cursor"])
                record.feed_notes.append((change["note_id"], change["change"]))
        if body.get("next"):
            since = body["next"]
        if final_walk_until and not changes:
            # Changes held back by transactions still running come a moment
            # later: the end is an empty page once every write finished and
            # every acknowledged note was seen (or 60 s passed: the check
            # then names what the feed missed).
            if done.is_set():
                with record.lock:
                    seen = {note for note, _ in record.feed_notes}
                    missing = [a for a in record.acknowledged if a["id"] not in seen and not a["hooked"]]
                if not missing:
                    break
            time.sleep(0.2)
        if final_walk_until and time.time() > final_walk_until:
            record.errors.append("the feed did not reach its end in 60 s")
            break


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, default=80)
    parser.add_argument("--writer-keys", required=True, help="file: one key per line, a writer each")
    parser.add_argument("--reader-key", required=True)
    parser.add_argument("--customer", required=True)
    parser.add_argument("--hooked-writer", help="KEY:CUSTOMER of one more writer, slower, in the company "
                                                "whose webhooks are checked")
    parser.add_argument("--hooked-pause", type=float, default=0.2)
    parser.add_argument("--run", default=uuid.uuid4().hex[:8])
    parser.add_argument("--phase-file", required=True)
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--timeout", type=float, default=15)
    parser.add_argument("--pause", type=float, default=0.05)
    parser.add_argument("--give-up-after", type=float, default=120)
    args = parser.parse_args()

    record = Record(args.phase_file)
    stop, writers_done = threading.Event(), threading.Event()
    with open(args.writer_keys) as f:
        keys = [line.strip() for line in f if line.strip()]
    writers = [threading.Thread(target=writer, args=(args, key, n, record, stop, args.customer, args.pause, False))
               for n, key in enumerate(keys)]
    if args.hooked_writer:
        key, customer = args.hooked_writer.split(":")
        writers.append(threading.Thread(target=writer, args=(args, key, len(keys), record, stop, customer,
                                                             args.hooked_pause, True)))
    reader = threading.Thread(target=feed_reader, args=(args, args.reader_key, record, stop, writers_done))
    for thread in writers + [reader]:
        thread.start()
    while not os.path.exists(args.stop_file):
        time.sleep(0.1)
    stop.set()
    for thread in writers:
        thread.join()
    writers_done.set()
    reader.join()

    with open(args.results, "w") as f:
        json.dump({"run": args.run, "acknowledged": record.acknowledged, "write_times": record.write_times,
                   "failed": record.failed, "misses": record.misses, "changed": record.changed, "feed": record.feed,
                   "feed_notes": record.feed_notes, "errors": record.errors}, f)


if __name__ == "__main__":
    main()
