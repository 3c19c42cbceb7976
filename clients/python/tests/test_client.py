"""The Python client against a real ``schemareg dev``: python3 -m unittest."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import subprocess
import sys
import unittest
from typing import List, Optional

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

import schemareg  # noqa: E402
from schemareg import AsyncClient, Client  # noqa: E402

from .registry import ROOT, Proxy, Registry, free_port  # noqa: E402

REG: Optional[Registry] = None

GOOD = {"ts": "2026-01-02T09:30:00.000001Z", "symbol": "ACME", "price": 10.5, "size": 100, "side": "B"}
BAD = {"ts": "2026-01-02T09:30:00.000002Z", "symbol": "ACME", "price": 10.5, "size": 100, "side": "X"}


def setUpModule() -> None:
    global REG
    REG = Registry()


def tearDownModule() -> None:
    if REG is not None:
        REG.close()


def reg() -> Registry:
    assert REG is not None
    return REG


class Sleeps:
    """Records the waits a client asks for, without waiting."""

    def __init__(self) -> None:
        self.waits: List[float] = []

    def __call__(self, d: float) -> None:
        self.waits.append(d)


class ReadTest(unittest.TestCase):
    def setUp(self) -> None:
        self.proxy = Proxy(reg().addr)
        self.addCleanup(self.proxy.close)
        self.sleeps = Sleeps()
        self.c = Client(self.proxy.url, sleep=self.sleeps)

    def test_get_schema(self) -> None:
        status, headers, body = reg().raw("/schema/ticks_v1")
        s = self.c.get_schema("ticks_v1")
        self.assertEqual(s.body, body)
        self.assertEqual('"%s"' % s.digest, headers["etag"])
        self.assertEqual(s.digest, "sha256:" + hashlib.sha256(body).hexdigest())
        self.assertEqual(s.version, s.document["version"])
        self.assertIn("side", s.properties)
        old = self.c.get_schema("ticks_v1", "1.0.0")
        self.assertEqual(old.version, "1.0.0")

    def test_cache_revalidates_latest_and_keeps_versions(self) -> None:
        self.c.get_schema("ticks_v1")
        self.c.get_schema("ticks_v1")
        self.assertEqual(self.proxy.statuses(), [200, 304])
        for _ in range(3):
            self.c.get_schema("ticks_v1", "1.0.0")
        self.assertEqual(self.proxy.statuses(), [200], "an immutable version is read once")

    def test_lists(self) -> None:
        ids = [s["id"] for s in self.c.list_schemas()]
        self.assertIn("ticks_v1", ids)
        self.assertEqual(ids, sorted(ids))
        vs = [v["version"] for v in self.c.versions("ticks_v1")]
        self.assertEqual(vs[0], "1.0.0")

    def test_compat(self) -> None:
        v = self.c.compat("ticks_v1", "1.0.0", "1.1.0")
        self.assertTrue(v["compatible"])
        self.assertEqual(v["mode"], "BACKWARD")
        self.assertEqual(self.c.compat("ticks_v1", "1.0.0", "1.1.0", mode="FULL")["mode"], "FULL")

    def test_arrow_schema(self) -> None:
        data = self.c.arrow_schema("ticks_v1", "1.1.1")
        self.assertEqual(data, reg().raw("/schema/ticks_v1/1.1.1/arrow")[2])
        self.assertEqual(data[:4], b"\xff\xff\xff\xff", "an IPC stream message starts with the continuation marker")

    def test_expectations(self) -> None:
        suite = self.c.expectations("ticks_v1", "1.1.1")
        self.assertEqual(suite["name"], "ticks_v1")
        self.assertEqual(suite["meta"]["schemareg"]["version"], "1.1.1")
        types = {e["type"] for e in suite["expectations"]}
        self.assertIn("expect_column_values_to_be_in_set", types)
        self.assertEqual(self.c.expectations("ticks_v1")["meta"]["schemareg"]["version"],
                         self.c.get_schema("ticks_v1").version)
        with self.assertRaises(schemareg.NotFoundError):
            self.c.expectations("ticks_v1", "9.9.9")

    def test_typed_errors(self) -> None:
        with self.assertRaises(schemareg.NotFoundError) as cm:
            self.c.get_schema("nope_v1")
        self.assertEqual(cm.exception.code, "not_found")
        self.assertIn("nope_v1", cm.exception.message)
        with self.assertRaises(schemareg.BadRequestError):
            self.c.get_schema("ticks_v1", "not-a-version")
        self.assertEqual(self.sleeps.waits, [], "a 4xx is not retried")

    def test_retry_after(self) -> None:
        self.proxy.inject = [(503, {"Retry-After": "2"}), (429, {"Retry-After": "1"})]
        self.assertEqual(self.c.get_schema("ticks_v1").id, "ticks_v1")
        self.assertEqual(self.sleeps.waits, [2.0, 1.0])

    def test_retries_run_out(self) -> None:
        self.proxy.inject = [(503, {})] * 4
        with self.assertRaises(schemareg.UnavailableError) as cm:
            self.c.versions("ticks_v1")
        self.assertEqual(cm.exception.message, "injected by the test")
        self.assertEqual(len(self.sleeps.waits), 3)
        self.assertTrue(all(0 < w <= 2 for w in self.sleeps.waits), self.sleeps.waits)

    def test_too_long_retry_after_is_not_waited(self) -> None:
        self.proxy.inject = [(429, {"Retry-After": "3600"})]
        with self.assertRaises(schemareg.RateLimitedError) as cm:
            self.c.get_schema("ticks_v1")
        self.assertEqual(cm.exception.retry_after, 3600)
        self.assertEqual(self.sleeps.waits, [])


class MirrorTest(unittest.TestCase):
    def test_falls_back_when_the_server_is_down(self) -> None:
        down = "http://127.0.0.1:%d" % free_port()
        c = Client(down, mirror=reg().url + "/docs/", retries=1, sleep=Sleeps())
        live = Client(reg().url)
        s = c.get_schema("ticks_v1")
        self.assertEqual(s.body, live.get_schema("ticks_v1").body)
        self.assertEqual(c.get_schema("ticks_v1", "1.0.0").body, live.get_schema("ticks_v1", "1.0.0").body)
        self.assertEqual(c.versions("ticks_v1"), live.versions("ticks_v1"))
        self.assertEqual([x["id"] for x in c.list_schemas()], [x["id"] for x in live.list_schemas()])
        self.assertEqual(c.arrow_schema("ticks_v1", "1.1.1"), live.arrow_schema("ticks_v1", "1.1.1"))

    def test_unreachable_without_mirror(self) -> None:
        c = Client("http://127.0.0.1:%d" % free_port(), retries=0)
        with self.assertRaises(schemareg.UnreachableError):
            c.get_schema("ticks_v1")


class ValidateTest(unittest.TestCase):
    def setUp(self) -> None:
        self.c = Client(reg().url)

    def test_validate(self) -> None:
        self.assertTrue(self.c.validate("ticks_v1", GOOD).valid)
        r = self.c.validate("ticks_v1", BAD)
        self.assertFalse(r.valid)
        self.assertEqual([(e.path, e.keyword) for e in r.errors], [("/side", "enum")])

    def test_validate_many_streams_in_order(self) -> None:
        n = 50_000
        rows = (GOOD if i % 3 else BAD for i in range(n))
        count = 0
        for i, r in enumerate(self.c.validate_many("ticks_v1", rows)):
            self.assertEqual(r.line, i + 1)
            self.assertEqual(r.valid, bool(i % 3))
            self.assertIs(r.row, GOOD if i % 3 else BAD)
            count += 1
        self.assertEqual(count, n)

    def test_validate_many_takes_lines(self) -> None:
        got = [r.valid for r in self.c.validate_many("ticks_v1", ['{"side": "B"}', b"not json"])]
        self.assertEqual(got, [False, False])
        with self.assertRaises(ValueError):
            list(self.c.validate_many("ticks_v1", ['{"a":\n1}']))

    def test_quarantine(self) -> None:
        split = self.c.quarantine("ticks_v1", [GOOD, BAD, GOOD])
        self.assertEqual(split.valid, [GOOD, GOOD])
        self.assertEqual([r.row for r in split.invalid], [BAD])
        self.assertEqual(split.invalid[0].errors[0].keyword, "enum")

    def test_unknown_schema(self) -> None:
        with self.assertRaises(schemareg.NotFoundError):
            list(self.c.validate_many("nope_v1", [GOOD]))


class AsyncTest(unittest.TestCase):
    def test_same_methods(self) -> None:
        async def main() -> None:
            c = AsyncClient(reg().url)
            s = await c.get_schema("ticks_v1")
            self.assertEqual(s.id, "ticks_v1")
            self.assertTrue((await c.check_compatibility("ticks_v1", GOOD)).valid)
            self.assertIn("ticks_v1", [x["id"] for x in await c.list_schemas()])
            results = [r.valid async for r in c.validate_many("ticks_v1", [GOOD, BAD] * 3000)]
            self.assertEqual(results, [True, False] * 3000)
            split = await c.quarantine("ticks_v1", [GOOD, BAD])
            self.assertEqual((split.valid, [r.row for r in split.invalid]), ([GOOD], [BAD]))
            with self.assertRaises(schemareg.NotFoundError):
                await c.versions("nope_v1")

        asyncio.run(main())


class WatchTest(unittest.TestCase):
    def test_commit_is_an_event_and_resume(self) -> None:
        c = Client(reg().url, backoff=0.01)
        events = c.watch()
        ready = next(events)
        self.assertEqual(ready.kind, "ready")
        reg().commit_version("schemas/market/bars_1m_v1.json", "1.1.0", "trades")
        ev = next(events)
        events.close()
        self.assertEqual(ev.kind, "generation")
        self.assertGreater(ev.revision, ready.revision)
        self.assertEqual([(x.id, x.change, x.versions, x.latest) for x in ev.changes],
                         [("bars_1m_v1", "versions", ["1.1.0"], "1.1.0")])
        resumed = c.watch(last_event_id=ready.revision)
        self.assertEqual(next(resumed), ev, "resuming after ready replays the event")
        resumed.close()
        reset = c.watch(last_event_id=1)
        self.assertEqual(next(reset).kind, "reset")
        reset.close()

    def test_async_watch(self) -> None:
        async def main() -> None:
            it = AsyncClient(reg().url).watch()
            first = await it.__anext__()
            self.assertIn(first.kind, ("ready",))
            await it.aclose()

        asyncio.run(main())

    def test_refused(self) -> None:
        c = Client(reg().url + "/nope/")
        with self.assertRaises(schemareg.NotFoundError):
            next(c.watch())


class ReadmeTest(unittest.TestCase):
    def test_readme_python_section_runs(self) -> None:
        """The python block of the README and docs/, run as it is against the registry."""
        pages = [os.path.join(ROOT, "README.md")]
        docs = os.path.join(ROOT, "docs")
        pages += [os.path.join(docs, n) for n in sorted(os.listdir(docs)) if n.endswith(".md")]
        blocks = []
        for page in pages:
            with open(page) as f:
                blocks += re.findall(r"^```python\n(.*?)^```$", f.read(), re.S | re.M)
        self.assertEqual(len(blocks), 1, "the README and docs/ show one python block")
        code = blocks[0].replace("http://localhost:8000", reg().url)
        env = dict(os.environ, PYTHONPATH=os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)


if __name__ == "__main__":
    unittest.main()
