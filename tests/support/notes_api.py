"""One kept HTTP connection to the notes API, for the Python sides of
script/test-cluster (tests/cluster/load.py) and script/test-backup
(tests/backup/drill.py). Standard library only: Debian's python3."""
import http.client
import json


class Api:
    """Requests with one credential over one kept connection, made again
    after a failure."""

    def __init__(self, host, port, key, timeout):
        self.host, self.port, self.key, self.timeout = host, port, key, timeout
        self.conn = None

    def send(self, method, path, body=None, headers=None):
        """(status, the response, its raw body); status 0 when no answer came."""
        all_headers = {"Authorization": "Bearer " + self.key}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=all_headers)
            answer = self.conn.getresponse()
            data = answer.read()
            if answer.getheader("Connection", "").lower() == "close":
                self.close()
            return answer.status, answer, data
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, None, b""

    def request(self, method, path, body=None, headers=None):
        """(status, parsed JSON body or None)."""
        status, _, data = self.send(method, path, body, headers)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, None

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None
