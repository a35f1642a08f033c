#!/usr/bin/env python3
"""The API side of script/test-backup's restore drill.

  drill.py write    URL CONFIG --notes N [--after FILE]
      Writers (one per key of CONFIG's companies) make N notes each, every
      one created, given assignees, two messages with attachments, and a
      change, every request with an Idempotency-Key and retried until
      acknowledged; one more writer keeps the companies' account notes.
      With --after, the ids of the notes made are written to FILE.
  drill.py snapshot URL CONFIG OUT
      Everything the API shows of every company, as the owner sees it: each
      customer's list, each note, its history, its messages, the digest of
      each attachment; each account's note and its history. JSON to OUT.
  drill.py compare  EXPECTED URL CONFIG --absent FILE
      A snapshot now must equal EXPECTED, and each note id in FILE must be
      404. Exits 1 naming the differences.

CONFIG is JSON: {"companies": [{"id", "customers": [ids], "users": [ids],
"accounts": [ids], "owner_key", "writer_keys": [keys]}]}. Standard library
only: Debian's python3.
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import notes_api  # noqa: E402


class Api(notes_api.Api):
    """The shared client (tests/support/notes_api.py) with retries."""

    def __init__(self, url, key):
        parts = urllib.parse.urlsplit(url)
        super().__init__(parts.hostname, parts.port, key, 30)

    def until_answered(self, method, path, body=None, headers=None):
        """Sends again after no answer, a 5xx or a 429 (a write with the same
        Idempotency-Key, which makes the retry apply it at most once); any
        other answer is returned as (status, headers, raw body)."""
        deadline = time.time() + 60
        while True:
            status, answer, data = self.send(method, path, body, headers)
            if status != 0 and status < 500 and status != 429:
                return status, answer, data
            if time.time() > deadline:
                raise RuntimeError("%s %s: no answer in 60 s (last %s)" % (method, path, status))
            time.sleep(0.2)

    def json(self, method, path, body=None, expect=(200,)):
        headers = {"Idempotency-Key": str(uuid.uuid4())} if method == "POST" else None
        status, _, data = self.until_answered(method, path, body, headers)
        if status not in expect:
            raise RuntimeError("%s %s answered %s: %s" % (method, path, status, data[:300]))
        return json.loads(data) if data else None


def write_notes(url, key, company, count, writer_number, made, errors):
    try:
        api = Api(url, key)
        customers, users = company["customers"], company["users"]
        for i in range(count):
            customer = customers[(writer_number + i) % len(customers)]
            note = api.json("POST", "/api/customers/%d/notes" % customer, {
                "subject": "drill w%d n%d" % (writer_number, i),
                "details": "details " * (i % 40),
                "tags": ["drill", "w%d" % writer_number],
                "reminder": "2027-0%d-1%dT09:30:00+02:00" % (1 + i % 9, i % 10),
                "priority": i % 3 == 0,
                "confidential": i % 5 == 0,
            }, expect=(201,))
            path = "/api/customers/notes/%d" % note["id"]
            api.json("POST", path + "/assignees", {"assignees": [users[i % len(users)], users[(i + 1) % len(users)]]})
            for m in range(2):
                attachment = os.urandom(512 + (i * 997 + m * 131) % 48000)
                api.json("POST", path + "/messages", {
                    "message": "message %d of note %d" % (m, i),
                    "attachment": base64.b64encode(attachment).decode(),
                }, expect=(201,))
            api.json("PATCH", path, {"status": "closed" if i % 2 else "open", "details": "changed %d" % i})
            made.append(note["id"])
    except Exception as error:  # reported by the caller, which exits 1
        errors.append("writer %d of company %d: %s" % (writer_number, company["id"], error))


def write_account_notes(url, company, rounds, errors):
    try:
        api = Api(url, company["owner_key"])
        for r in range(rounds):
            for account in company["accounts"]:
                path = "/api/v2/account/%s/note" % account
                status, _, _ = api.until_answered("GET", path)
                if status == 404:
                    api.json("POST", path, {"note": "account note, round %d" % r})
                else:
                    api.json("PATCH", path, {"note": "account note, round %d" % r})
    except Exception as error:
        errors.append("account writer of company %d: %s" % (company["id"], error))


def write(args, config):
    made, errors, threads = [], [], []
    for company in config["companies"]:
        for number, key in enumerate(company["writer_keys"]):
            threads.append(threading.Thread(
                target=write_notes, args=(args.url, key, company, args.notes, number, made, errors)))
        threads.append(threading.Thread(target=write_account_notes, args=(args.url, company, 3, errors)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        sys.exit("drill: " + "; ".join(errors[:5]))
    if args.after:
        with open(args.after, "w") as f:
            json.dump(sorted(made), f)
    print("drill: %d notes written" % len(made))


def all_items(api, path, items=lambda page: page):
    """Every item of a paged list, in order. The end is a 204 (the customer
    family) or a short page (the account family answers an empty one)."""
    found, number = [], 1
    while True:
        separator = "&" if "?" in path else "?"
        status, _, data = api.until_answered("GET", "%s%spage_size=100&page_number=%d" % (path, separator, number))
        if status == 204:
            return found
        if status != 200:
            raise RuntimeError("GET %s answered %s" % (path, status))
        page = items(json.loads(data))
        found += page
        if len(page) < 100:
            return found
        number += 1


def snapshot_company(url, company):
    api = Api(url, company["owner_key"])
    shot = {"lists": {}, "notes": {}, "accounts": {}}
    for customer in company["customers"]:
        listed_notes = all_items(api, "/api/customers/%d/notes" % customer)
        shot["lists"][str(customer)] = listed_notes
        for listed in listed_notes:
            path = "/api/customers/notes/%d" % listed["id"]
            status, answer, data = api.until_answered("GET", path)
            if status != 200:
                raise RuntimeError("GET %s answered %s" % (path, status))
            messages = all_items(api, path + "/messages")
            attachments = {}
            for message in messages:
                if message["attachment"]:
                    status, _, data_bytes = api.until_answered("GET", message["attachment"])
                    attachments[str(message["id"])] = hashlib.sha256(data_bytes).hexdigest()
            shot["notes"][str(listed["id"])] = {
                "note": json.loads(data), "etag": answer.getheader("ETag"),
                "history": all_items(api, path + "/history"),
                "messages": messages, "attachments": attachments,
            }
    for account in company["accounts"]:
        path = "/api/v2/account/%s/note" % account
        status, _, data = api.until_answered("GET", path)
        history = all_items(api, path + "/history", lambda page: page["history"])
        shot["accounts"][str(account)] = {"status": status, "note": json.loads(data), "history": history}
    return shot


def snapshot(url, config):
    return {str(c["id"]): snapshot_company(url, c) for c in config["companies"]}


def differences(expected, now, where=""):
    if type(expected) != type(now):
        return ["%s: %r, was %r" % (where, now, expected)]
    if isinstance(expected, dict):
        found = []
        for key in sorted(set(expected) | set(now)):
            if key not in now:
                found.append("%s/%s: missing" % (where, key))
            elif key not in expected:
                found.append("%s/%s: not there before" % (where, key))
            else:
                found += differences(expected[key], now[key], "%s/%s" % (where, key))
        return found
    if isinstance(expected, list):
        if len(expected) != len(now):
            return ["%s: %d items, were %d" % (where, len(now), len(expected))]
        return [d for i, (a, b) in enumerate(zip(expected, now)) for d in differences(a, b, "%s[%d]" % (where, i))]
    return [] if expected == now else ["%s: %r, was %r" % (where, now, expected)]


def compare(args, config):
    with open(args.expected) as f:
        expected = json.load(f)
    found = differences(expected, snapshot(args.url, config))
    with open(args.absent) as f:
        absent = json.load(f)
    owner = Api(args.url, config["companies"][0]["owner_key"])
    for note in absent:
        status, _, _ = owner.until_answered("GET", "/api/customers/notes/%d" % note)
        if status != 404:
            found.append("note %d, made after the target time, answered %d" % (note, status))
    notes = sum(len(c["notes"]) for c in expected.values())
    if found:
        sys.exit("drill: the restore differs from what was acknowledged:\n  " + "\n  ".join(found[:20]))
    print("drill: %d notes, with their history, messages and attachments, and %d account notes, as acknowledged; "
          "%d notes made after the target time are not there" % (
              notes, sum(len(c["accounts"]) for c in expected.values()), len(absent)))


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    w = commands.add_parser("write")
    w.add_argument("url")
    w.add_argument("config")
    w.add_argument("--notes", type=int, required=True)
    w.add_argument("--after")
    s = commands.add_parser("snapshot")
    s.add_argument("url")
    s.add_argument("config")
    s.add_argument("out")
    c = commands.add_parser("compare")
    c.add_argument("expected")
    c.add_argument("url")
    c.add_argument("config")
    c.add_argument("--absent", required=True)
    args = parser.parse_args()
    with open(args.config) as f:
        config = json.load(f)
    if args.command == "write":
        write(args, config)
    elif args.command == "snapshot":
        shot = snapshot(args.url, config)
        with open(args.out, "w") as f:
            json.dump(shot, f)
        print("drill: snapshot of %d notes" % sum(len(c["notes"]) for c in shot.values()))
    else:
        compare(args, config)


if __name__ == "__main__":
    main()
