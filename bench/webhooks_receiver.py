"""Webhook receiver for bench/webhooks.sh: /dead/* reads the request and never answers (until
Parley gives up), /healthy records event-to-arrival latency from the payload's timestamp."""
import json
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, latency_file = sys.argv[1], sys.argv[2]
lock = threading.Lock()
dead_hits = 0


def parse(ts):
    # .NET writes up to 7 fractional digits; Python reads 6.
    ts = ts.rstrip("Z")
    if "." in ts:
        head, frac = ts.split(".")
        ts = head + "." + frac[:6].ljust(6, "0")
    return datetime.fromisoformat(ts + "+00:00").timestamp()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        global dead_hits
        arrived = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.startswith("/dead/"):
            with lock:
                dead_hits += 1
            time.sleep(60)  # Parley's timeout cuts it first; the thread then ends.
            return
        latency = arrived - parse(json.loads(body)["timestamp"])
        with lock, open(latency_file, "a") as f:
            f.write(f"{latency:.4f}\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self.send_response(200)
        body = str(dead_hits).encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
