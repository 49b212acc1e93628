"""The link checker against established ones, on the same lists, in the same run.

Twenty local "sites" (127.0.0.1 to 127.0.0.20, one aiohttp server process) answer each request
after 100 ms; the lists hold pages (200), 404s, two-hop permanent redirect chains and a few
pages slower than the 3 s timeout every tool is given. Lists: 500 and 2,000 links over the 20
hosts, and 500 links on one host (like an arXiv-heavy list). For each tool: wall time, CPU time
of its process, the most requests in flight on one host (counted by the server), and whether
its verdicts match what the server did (the failures it reported against the 404s and timeouts).

    python bench/linkcheck.py                 # every tool
    BENCH_TOOLS=ours,lychee python bench/linkcheck.py

Needs bench/requirements.txt and `npm ci --prefix bench` (make bench does both).
"""

import asyncio
import csv
import io
import ipaddress
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from courseapp import linkcheck

TIMEOUT = 3  # seconds, for every tool
SLOW = 8  # seconds the slow pages take
BIN = Path(sys.executable).parent
NODE_BIN = HERE / "node_modules" / ".bin"


# The sites ------------------------------------------------------------------------------------


def serve(port: int, hosts: int) -> None:
    """Run the sites until killed (a process of its own, so its CPU is not counted as a tool's)."""
    from aiohttp import web

    in_flight: dict[str, int] = defaultdict(int)
    peak: dict[str, int] = defaultdict(int)
    requests = [0]

    async def page(request):
        host = request.transport.get_extra_info("sockname")[0]
        if request.path == "/_stats":
            return web.json_response({"peak": max(peak.values(), default=0), "requests": requests[0]})
        if request.path == "/_reset":
            peak.clear()
            requests[0] = 0
            return web.Response(text="reset")
        in_flight[host] += 1
        requests[0] += 1
        peak[host] = max(peak[host], in_flight[host])
        try:
            kind, number = request.match_info["kind"], request.match_info["n"]
            await asyncio.sleep(SLOW if kind == "slow" else 0.1)
            if kind == "missing":
                return web.Response(status=404, text="not found")
            if kind == "chain":
                hops = int(request.query.get("hops", "2"))
                target = f"/chain/{number}?hops={hops - 1}" if hops > 1 else f"/page/{number}"
                return web.Response(status=301, headers={"Location": target})
            return web.Response(text=f"page {number}", content_type="text/html")
        finally:
            in_flight[host] -= 1

    async def main():
        app = web.Application()
        app.router.add_route("*", "/{kind}/{n}", page)
        app.router.add_route("*", "/_stats", page)
        app.router.add_route("*", "/_reset", page)
        # A request the client gave up on (a timeout) stops counting as in flight.
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await runner.setup()
        for n in range(1, hosts + 1):
            await web.TCPSite(runner, f"127.0.0.{n}", port, backlog=1024).start()
        await asyncio.Event().wait()

    asyncio.run(main())


def make_list(count: int, hosts: int, port: int) -> tuple[list[str], set[str], set[str]]:
    """URLs, the ones that should fail (404 or timeout), and the ones that moved."""
    urls, failing, moved = [], set(), set()
    for i in range(count):
        base = f"http://127.0.0.{i % hosts + 1}:{port}"
        if i % 50 == 25:
            url = f"{base}/slow/{i}"
            failing.add(url)
        elif i % 10 == 3:
            url = f"{base}/missing/{i}"
            failing.add(url)
        elif i % 10 == 6:
            url = f"{base}/chain/{i}"
            moved.add(url)
        else:
            url = f"{base}/page/{i}"
        urls.append(url)
    return urls, failing, moved


# The tools: each returns the URLs it reported as failing ---------------------------------------------------


def ours(urls, workdir, client="aiohttp"):
    policy = linkcheck.Policy(
        allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),),
        connect_timeout=TIMEOUT,
        read_timeout=TIMEOUT,
        deadline=600,
    )
    results = {}
    checker = (HttpxChecker if client == "httpx" else linkcheck.Checker)(
        policy, lambda keys, result: results.update(dict.fromkeys(keys, result))
    )
    asyncio.run(checker.run({url: [url] for url in urls}))
    return {url for url, r in results.items() if r.outcome in (linkcheck.FAILED, linkcheck.TIMEOUT)}, {
        url for url, r in results.items() if r.outcome == linkcheck.MOVED
    }


class HttpxChecker(linkcheck.Checker):
    """The same checker on httpx, to choose the client by measurement."""

    def client(self):
        import httpx

        policy = self.policy
        return httpx.AsyncClient(
            limits=httpx.Limits(max_connections=policy.concurrency, max_keepalive_connections=policy.concurrency),
            timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
            headers={"User-Agent": policy.user_agent},
        )

    async def _send(self, method, url):
        import aiohttp
        import httpx

        try:
            async with self.session.stream(method, str(url), follow_redirects=False) as response:
                return response.status_code, response.headers
        except httpx.TimeoutException as error:
            raise TimeoutError from error
        except httpx.HTTPError as error:
            raise aiohttp.ClientError(str(error)) from error


def sequential(urls, workdir):
    failing = set()
    for url in urls:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=TIMEOUT):
                pass
        except (urllib.error.URLError, TimeoutError, OSError):
            failing.add(url)
    return failing, set()


def markdown_file(urls, workdir) -> Path:
    path = workdir / "links.md"
    path.write_text("".join(f"- [link {n}]({url})\n" for n, url in enumerate(urls)))
    return path


def lychee(urls, workdir):
    out = workdir / "lychee.json"
    command = [str(BIN / "lychee"), "--no-progress", "--format", "json", "--output", str(out)]
    command += ["--max-retries", "0", "--timeout", str(TIMEOUT), "--host-concurrency", "6", "--max-concurrency", "128"]
    run([*command, str(markdown_file(urls, workdir))])
    report = json.loads(out.read_text())
    failures = ("error_map", "timeout_map")
    return {item["url"] for key in failures for items in report.get(key, {}).values() for item in items}, set()


def linkchecker(urls, workdir):
    page = workdir / "links.html"
    page.write_text("<html><body>" + "".join(f'<a href="{url}">{n}</a>\n' for n, url in enumerate(urls)) + "</body>")
    page.chmod(0o644)
    workdir.chmod(0o755)  # it drops root privileges to "nobody" and must still read the page
    command = [str(BIN / "linkchecker"), "--no-status", "--check-extern", "--timeout", str(TIMEOUT), "-t", "10"]
    output = run([*command, "-o", "csv", "-r", "1", str(page)])
    rows = csv.DictReader((line for line in io.StringIO(output) if not line.startswith("#")), delimiter=";")
    return {row["urlname"] for row in rows if row.get("valid") == "False"}, set()


def linkinator(urls, workdir):
    command = [str(NODE_BIN / "linkinator"), str(markdown_file(urls, workdir)), "--markdown", "--format", "json"]
    output = run([*command, "--timeout", str(TIMEOUT * 1000), "--concurrency", "100"])
    report = json.loads(output[output.index("{") :])
    return {link["url"] for link in report["links"] if link["state"] == "BROKEN"}, set()


def markdown_link_check(urls, workdir):
    config = workdir / "mlc.json"
    config.write_text(json.dumps({"timeout": f"{TIMEOUT}s", "aliveStatusCodes": [200]}))
    output = run([str(NODE_BIN / "markdown-link-check"), "-q", "-c", str(config), str(markdown_file(urls, workdir))])
    return set(re.findall(r"\[✖\] (\S+)", output)), set()


def run(command) -> str:
    return subprocess.run(command, capture_output=True, text=True, timeout=1800).stdout


TOOLS = {
    "ours": ours,
    "ours-httpx": lambda urls, workdir: ours(urls, workdir, client="httpx"),
    "lychee": lychee,
    "linkinator": linkinator,
    "LinkChecker": linkchecker,
    "markdown-link-check": markdown_link_check,
    "sequential": sequential,
}


def stats(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stats") as response:
        return json.loads(response.read())


def measure(name, urls, failing, moved, port) -> str:
    urllib.request.urlopen(f"http://127.0.0.1:{port}/_reset").close()
    before_self, before_children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir:
        reported, reported_moved = TOOLS[name](urls, Path(workdir))
    wall = time.perf_counter() - started
    after_self, after_children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(
        getattr(after, field) - getattr(before, field)
        for after, before in ((after_self, before_self), (after_children, before_children))
        for field in ("ru_utime", "ru_stime")
    )
    seen = stats(port)
    missed, wrong = len(failing - reported), len(reported - failing)
    verdicts = "correct" if not missed and not wrong else f"{missed} failures missed, {wrong} good links reported"
    if reported_moved:
        verdicts += f"; {len(reported_moved & moved)} of {len(moved)} moved links offered a new address"
    return f"  {name:20} {wall:7.1f} s  cpu {cpu:6.1f} s  peak/host {seen['peak']:3}  {verdicts}"


def main() -> None:
    from tests.servers import free_port  # a free port on 127.0.0.1 (bound on all 20 addresses below)

    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "serve", str(port), "20"])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                stats(port)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        chosen = [name for name in os.environ.get("BENCH_TOOLS", ",".join(TOOLS)).split(",") if name]
        lists = [
            ("500 links on 20 hosts", 500, 20),
            ("2,000 links on 20 hosts", 2000, 20),
            ("500 links on one host", 500, 1),
        ]
        print(f"Link checkers: every request answered after 100 ms, {SLOW} s for slow pages; timeout {TIMEOUT} s")
        for title, count, hosts in lists:
            urls, failing, moved = make_list(count, hosts, port)
            print(f"{title}: {len(failing)} should fail, {len(moved)} moved", flush=True)
            for name in chosen:
                if name == "sequential" and count > 500:
                    # 100 ms a request, two more for each moved link, the timeout for each slow page.
                    estimate = (count + 2 * len(moved)) * 0.1 + count // 50 * TIMEOUT
                    print(f"  {name:20} skipped (about {estimate:.0f} s by arithmetic)")
                    continue
                print(measure(name, urls, failing, moved, port), flush=True)
    finally:
        server.kill()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(int(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
