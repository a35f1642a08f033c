#!/usr/bin/env python3
"""A webhook receiver for script/test-cluster, run in the client's namespace.

Checks each delivery's signature (docs/webhooks.md, "Verifying a delivery"),
takes it with 204, and keeps what it saw: each delivery id with its note and
event, and the most deliveries it held at once. Writes RESULTS (JSON) and
exits when STOP_FILE exists. Standard library only.

usage: receiver.py ADDRESS PORT SECRET_FILE RESULTS STOP_FILE
"""
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

address, port, secret_file, results_file, stop_file = sys.argv[1:6]
with open(secret_file) as f:
    secret = f.read().strip().encode()
lock = threading.Lock()
seen = {"deliveries": [], "bad_signatures": 0, "most_at_once": 0}
at_once = 0


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global at_once
        with lock:
            at_once += 1
            seen["most_at_once"] = max(seen["most_at_once"], at_once)
        try:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            stamp = self.headers["Notes-Webhook-Timestamp"] or ""
            expected = "v1=" + hmac.new(secret, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            good = hmac.compare_digest(expected, self.headers["Notes-Webhook-Signature"] or "")
            # Held a moment, as a receiver that does some work would be:
            # deliveries overlap, and the bound on them is seen.
            time.sleep(0.005)
            with lock:
                if not good:
                    seen["bad_signatures"] += 1
                else:
                    event = json.loads(body)
                    seen["deliveries"].append([int(self.headers["Notes-Webhook-Id"]), event.get("note_id"),
                                               event.get("event")])
            self.send_response(204 if good else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()
        finally:
            with lock:
                at_once -= 1

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer((address, int(port)), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
while not os.path.exists(stop_file):
    time.sleep(0.2)
server.shutdown()
with lock, open(results_file, "w") as f:
    json.dump(seen, f)
