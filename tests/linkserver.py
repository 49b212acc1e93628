"""A small web server on 127.0.0.1 that answers the way real sites do, for the link checker's tests.

Paths: /ok, /moved/N (N permanent redirects, then /ok), /temporary (302 to /ok), /missing (404),
/gone (410), /busy (429 with Retry-After: 1, then 200), /flaky (503, then 200), /slow (answers
after 3 s), /endless (HEAD refused, GET streams forever), /head-refused (405 to HEAD, 200 to GET),
/protected (403), /loop (a redirect loop), /to/<address> (a redirect to http://<address>/),
/wait (200 after 100 ms, to count requests in flight).
"""

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def send(self, status, headers=(), body=b""):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def answer(self, *, head):
        server = self.server
        path = self.path.split("?")[0]
        with server.lock:
            server.requests.append((self.command, path))
            server.seen[path] += 1
            times_seen = server.seen[path]
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            self.route(path, times_seen, head)
        finally:
            with server.lock:
                server.in_flight -= 1

    def route(self, path, times_seen, head):
        if path == "/ok":
            self.send(200, body=b"hello")
        elif path.startswith("/moved/"):
            left = int(path.rsplit("/", 1)[1])
            self.send(301, [("Location", f"/moved/{left - 1}" if left > 1 else "/ok")])
        elif path == "/temporary":
            self.send(302, [("Location", "/ok")])
        elif path == "/missing":
            self.send(404)
        elif path == "/gone":
            self.send(410)
        elif path == "/busy":
            self.send(429, [("Retry-After", "1")]) if times_seen == 1 else self.send(200)
        elif path == "/flaky":
            self.send(503) if times_seen == 1 else self.send(200)
        elif path == "/slow":
            time.sleep(3)
            self.send(200)
        elif path == "/head-refused":
            self.send(405) if head else self.send(200, body=b"ok")
        elif path == "/protected":
            self.send(403)
        elif path == "/loop":
            self.send(301, [("Location", "/loop-back")])
        elif path == "/loop-back":
            self.send(301, [("Location", "/loop")])
        elif path.startswith("/to/"):
            self.send(301, [("Location", "http://" + path.removeprefix("/to/") + "/")])
        elif path == "/wait":
            time.sleep(0.1)
            self.send(200)
        elif path == "/endless":
            self.endless(head)
        else:
            self.send(404)

    def endless(self, head):
        if head:
            self.send(405)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        chunk = b"x" * 65536
        try:
            for _ in range(16384):  # 1 GiB, unless the client hangs up first
                self.wfile.write(chunk)
                with self.server.lock:
                    self.server.body_bytes_sent += len(chunk)
        except OSError:
            pass
        self.close_connection = True


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host="127.0.0.1"):
        super().__init__((host, 0), Handler)
        self.lock = threading.Lock()
        self.requests = []
        self.seen = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.body_bytes_sent = 0

    @property
    def base(self):
        return f"http://{self.server_address[0]}:{self.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
