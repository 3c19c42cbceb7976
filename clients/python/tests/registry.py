"""A real registry for the tests: ``schemareg dev`` on a clone of this
repository, and a recording proxy in front of it.

The binary is $SCHEMAREG_BIN, or built with ``go build`` from the
repository. Ports are picked free.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from typing import Dict, List, Optional, Tuple

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def git(cwd: str, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="test@example.com",
               GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="test@example.com")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


class Registry:
    """``schemareg dev`` serving a clone of the repository."""

    def __init__(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="schemareg-py-")
        binary = os.environ.get("SCHEMAREG_BIN")
        if not binary:
            binary = os.path.join(self.tmp, "schemareg")
            subprocess.run(["go", "build", "-o", binary, "./cmd/schemareg"], cwd=ROOT, check=True)
        self.repo = os.path.join(self.tmp, "repo")
        git(self.tmp, "clone", "-q", ROOT, self.repo)
        self.addr = f"127.0.0.1:{free_port()}"
        self.url = "http://" + self.addr
        self.log = open(os.path.join(self.tmp, "dev.log"), "wb")
        self.proc = subprocess.Popen(
            [binary, "dev", "--addr", self.addr, "--data-dir", os.path.join(self.tmp, "data"), "--repo", self.repo],
            cwd=self.repo, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"schemareg dev exited {self.proc.returncode}: see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/ready", timeout=2) as r:
                    if r.status == 200 and self._docs_ready():
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("schemareg dev not ready within 120s")

    def _docs_ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/docs/api/schemas.json", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def raw(self, path: str) -> Tuple[int, Dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.addr, timeout=10)
        try:
            conn.request("GET", path, headers={"Accept-Encoding": "identity"})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def commit_version(self, schema_file: str, version: str, prop: str) -> None:
        """Commit a new version of a schema that adds an optional property."""
        path = os.path.join(self.repo, schema_file)
        with open(path) as f:
            doc = json.load(f)
        doc["version"] = version
        doc["properties"][prop] = {"type": "integer"}
        with open(path, "w") as f:
            f.write(json.dumps(doc, indent=2) + "\n")
        git(self.repo, "commit", "-q", "-am", f"{doc['id']} {version}")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Proxy:
    """A recording HTTP proxy in front of the registry that can answer
    errors instead: each of ``inject`` is answered once, in order."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.seen: List[Tuple[str, str, int]] = []
        self.inject: List[Tuple[int, Dict[str, str]]] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self.forward()

            def do_POST(self) -> None:
                self.forward()

            def forward(self) -> None:
                with proxy.lock:
                    injected = proxy.inject.pop(0) if proxy.inject else None
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                if injected is not None:
                    status, headers = injected
                    data = json.dumps({"error": {"code": "unavailable" if status == 503 else "rate_limited",
                                                 "message": "injected by the test"}}).encode()
                    self.record(status)  # before the client can read the answer
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                conn = http.client.HTTPConnection(proxy.upstream, timeout=10)
                fwd = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=fwd)
                r = conn.getresponse()
                data = r.read()
                conn.close()
                self.record(r.status)
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def record(self, status: int) -> None:
                with proxy.lock:
                    proxy.seen.append((self.command, self.path, status))

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def statuses(self) -> List[int]:
        """The statuses answered since the last call."""
        with self.lock:
            out = [s for _, _, s in self.seen]
            self.seen.clear()
        return out

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

