#!/usr/bin/env python3
"""A loopback stand-in for data.egov.kz's API v4, for scripts/bench-connect only: serves the rows of
a CSV (the large set's inspections) as a dataset, answering the keyset query ЭКН's connector sends —
`GET /ID/vN?apiKey=…&source={"query":{"range":{KEY:{"gt":…}}},"sort":[{KEY:"asc"}],"from":0,"size":N}` —
with a JSON array of records, and counting requests. It behaves well: the misbehaving portal of the
tests lives in tests/core/connect.rs. Usage: bench-portal.py CSV KEY_COLUMN API_KEY PORT_FILE."""
import bisect
import csv
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

path, key_column, api_key, port_file = sys.argv[1:5]
with open(path, encoding="utf-8-sig", newline="") as f:
    reader = csv.DictReader(f, delimiter=";")
    rows = sorted(((row[key_column], json.dumps(row, ensure_ascii=False)) for row in reader), key=lambda r: r[0])
keys = [k for k, _ in rows]
bodies = [b for _, b in rows]
requests = 0


class Portal(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        global requests
        requests += 1
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/stats":
            return self.answer(200, json.dumps({"requests": requests - 1, "rows": len(keys)}))
        if query.get("apiKey") != api_key:
            return self.answer(403, '{"error":"forbidden"}')
        source = json.loads(query.get("source", "{}"))
        size = int(source.get("size", 10))
        if int(source.get("from", 0)) + size > 10000:
            return self.answer(400, '{"error":"Result window is too large"}')
        after = None
        for condition in source.get("query", {}).get("range", {}).values():
            after = condition.get("gt")
        start = 0 if after is None else bisect.bisect_right(keys, str(after))
        self.answer(200, "[" + ",".join(bodies[start:start + size]) + "]")


server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
