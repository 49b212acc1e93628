"""Check many links at once, politely, in one event loop (no Django here: the service stores what it finds).

Links are grouped by host. A dispatcher takes the hosts in turn, starting the next link of a
host only while that host has fewer than ``per_host`` requests in flight and its interval has
passed, and while the run has fewer than ``concurrency`` in flight: one big host never blocks
the others, and no host sees more than ``per_host`` requests at once.

Each link gets HEAD, then GET (whose body is never read) when HEAD is refused. Redirects are
followed by hand, at most ``max_redirects``, each hop checked again against the address
rules. The address rules are enforced where the socket is made, on the address actually
connected to (after DNS), so a name that resolves to a private address, a numeric form such
as ``2130706433`` or an IPv4-mapped IPv6 address never gets a connection.
"""

import asyncio
import concurrent.futures
import contextlib
import email.utils
import errno
import ipaddress
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import aiohttp
from yarl import URL

OK = "ok"
MOVED = "moved"
FAILED = "failed"
BLOCKED = "blocked"
TIMEOUT = "timeout"
REFUSED = "refused"

PORTS = {"http": 80, "https": 443}
PERMANENT = {301, 308}
REDIRECTS = {301, 302, 303, 307, 308}
# Servers that answer HEAD wrongly; GET tells the truth.
HEAD_REFUSED = {400, 403, 405, 406, 501}
# Publishers, DOI resolvers and social sites answer scripts with 403, 429 or 999 whatever the link:
# from them, those mean "could not verify", not "broken".
BOT_PROTECTED = (
    "doi.org",
    "acm.org",
    "ieee.org",
    "springer.com",
    "sciencedirect.com",
    "elsevier.com",
    "wiley.com",
    "jstor.org",
    "tandfonline.com",
    "nature.com",
    "science.org",
    "oup.com",
    "sagepub.com",
    "cell.com",
    "acs.org",
    "ssrn.com",
    "researchgate.net",
    "semanticscholar.org",
    "openreview.net",
    "linkedin.com",
    "medium.com",
    "twitter.com",
    "x.com",
)


@dataclass(frozen=True)
class Policy:
    concurrency: int = 128
    per_host: int = 6
    host_interval: float = 0.02  # seconds between two request starts on one host
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 480.0  # the whole run
    max_redirects: int = 5
    max_retry_after: float = 30.0
    ports: frozenset = frozenset(PORTS.values())
    # Tests and benchmarks only: addresses (any port) that the address rules would refuse.
    allowed_networks: tuple = ()
    user_agent: str = "courseapp-linkcheck/1.0 (reading list link check)"


@dataclass
class Result:
    url: str
    outcome: str
    http_status: int | None = None
    new_url: str = ""  # where a permanent redirect points: the one-click fix
    hops: list = field(default_factory=list)  # [status, location] per redirect followed
    detail: str = ""
    elapsed_ms: int = 0
    # The host's name did not resolve or nothing answered on it: the link may be fine, and this
    # machine offline (the service tells the two apart over the whole run).
    unreachable: bool = False


def looks_offline(reached: dict[str, bool], *, share: float = 0.9, fewest: int = 3) -> bool:
    """Whether the checking machine, not the sites, was cut off: ``reached`` maps each host to
    whether any of its links got an answer; offline when nearly every one of at least ``fewest``
    hosts could not be reached at all."""
    if len(reached) < fewest:
        return False
    return sum(not answered for answered in reached.values()) >= share * len(reached)


class ForbiddenAddress(OSError):
    """The address rules refuse this target; raised before any socket exists."""

    def __init__(self, reason: str):
        super().__init__(errno.EACCES, reason)


def refused_because(error: OSError | None) -> str:
    """The reason when a failed connection was the address rules' doing, else ""."""
    if isinstance(error, ForbiddenAddress):
        return error.strerror or ""
    if isinstance(error, OSError) and error.errno == errno.EACCES and "not a public address" in str(error):
        return "none of the host's addresses is public"  # several addresses, all refused
    return ""


def address_error(ip: str | ipaddress.IPv4Address | ipaddress.IPv6Address, port: int | None, policy: Policy) -> str:
    """Why connecting to ``ip:port`` is refused, or "" when it is allowed."""
    address = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in network for network in policy.allowed_networks):
        return ""
    if not address.is_global or address.is_multicast or address.is_reserved:
        return f"{address} is not a public address"
    if address in ipaddress.ip_network("100.64.0.0/10"):
        return f"{address} is a shared (carrier-grade NAT) address"
    if port is not None and port not in policy.ports:
        return f"port {port} is not a usual web port"
    return ""


def literal_address(host: str):
    """The address a host written as a number means (``127.1``, ``2130706433``, ``0x7f.1``, ``[::1]``), or None."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.ip_address(socket.inet_aton(host))  # the forms C libraries accept
    except OSError:
        return None


def url_error(url: URL, policy: Policy) -> str:
    """Why this URL is not fetched at all (scheme, port, a numeric host), or ""."""
    if url.scheme not in PORTS or not url.host:
        return "only http and https links are checked"
    address = literal_address(url.host)
    if address is not None:
        return address_error(address, url.port, policy)
    if url.port not in policy.ports:
        return f"port {url.port} is not a usual web port"
    return ""


def guarded_socket_factory(policy: Policy):
    """aiohttp's socket factory: the last word on every address it is about to connect to."""

    def make_socket(addr_info):
        family, kind, proto, _, sockaddr = addr_info
        if error := address_error(sockaddr[0], sockaddr[1], policy):
            raise ForbiddenAddress(error)
        sock = socket.socket(family=family, type=kind, proto=proto)
        sock.setblocking(False)
        return sock

    return make_socket


def bot_protected(host: str) -> bool:
    return any(host == name or host.endswith("." + name) for name in BOT_PROTECTED)


def retry_after(value: str | None, default: float | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return default
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


class _Retry(Exception):
    def __init__(self, delay: float):
        self.delay = delay


@dataclass
class _Host:
    links: deque = field(default_factory=deque)
    in_flight: int = 0
    not_before: float = 0.0


class Checker:
    def __init__(self, policy: Policy, on_result: Callable[[list[str], Result], None]):
        self.policy = policy
        self.on_result = on_result
        self.hosts: dict[str, _Host] = {}
        self.turn: deque[str] = deque()  # hosts with links left or in flight, in the order they are served
        self.in_flight = 0
        self.changed = asyncio.Event()
        self.deadline = 0.0

    async def run(self, links: dict[str, list]) -> None:
        """Check each URL once; ``links`` maps a URL to the keys (readings) that use it."""
        policy = self.policy
        self.deadline = time.monotonic() + policy.deadline
        self.keys = links
        for url in links:
            parsed = URL(url)
            if error := url_error(parsed, policy):
                self.on_result(links[url], Result(url, REFUSED, detail=error))
                continue
            name = (parsed.host or "").lower()
            if name not in self.hosts:
                self.hosts[name] = _Host()
                self.turn.append(name)
            self.hosts[name].links.append((url, 0))
        async with self.client() as self.session:
            tasks: set[asyncio.Task] = set()  # references, so running checks are not collected
            while self.turn or self.in_flight:
                now = time.monotonic()
                if now >= self.deadline:
                    self._give_up("not reached before the run's deadline")
                wake_at = self._dispatch(now, tasks)
                self.changed.clear()
                if self.in_flight or wake_at:
                    wait = min(wake_at or self.deadline, self.deadline) - time.monotonic()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.changed.wait(), timeout=max(wait, 0.001))

    def client(self) -> aiohttp.ClientSession:
        """The HTTP client of a run: aiohttp, which measured far less CPU per request than httpx (bench/)."""
        policy = self.policy
        connector = aiohttp.TCPConnector(
            limit=policy.concurrency,
            limit_per_host=policy.per_host,
            ttl_dns_cache=300,
            socket_factory=guarded_socket_factory(policy),
        )
        return aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=policy.connect_timeout, sock_read=policy.read_timeout
            ),
            headers={"User-Agent": policy.user_agent},
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    def _dispatch(self, now: float, tasks: set) -> float | None:
        """Start what may start, taking the hosts in turn; returns when a waiting host may start next."""
        policy = self.policy
        wake_at = None
        waiting = 0  # hosts in a row that could not start anything
        while self.turn and waiting < len(self.turn) and self.in_flight < policy.concurrency:
            name = self.turn[0]
            host = self.hosts[name]
            if not host.links and not host.in_flight:
                self.turn.popleft()  # done: a retry can only come back while a request is in flight
                continue
            self.turn.rotate(-1)
            if not host.links or host.in_flight >= policy.per_host:
                waiting += 1
                continue
            if host.not_before > now:
                wake_at = min(wake_at or host.not_before, host.not_before)
                waiting += 1
                continue
            url, attempt = host.links.popleft()
            host.in_flight += 1
            host.not_before = now + policy.host_interval
            self.in_flight += 1
            task = asyncio.create_task(self._check(host, url, attempt))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            waiting = 0
        return wake_at

    def _give_up(self, reason: str) -> None:
        for host in self.hosts.values():
            while host.links:
                url, _ = host.links.popleft()
                self.on_result(self.keys[url], Result(url, TIMEOUT, detail=reason))

    async def _check(self, host: _Host, url: str, attempt: int) -> None:
        started = time.monotonic()
        try:
            async with asyncio.timeout_at(self._loop_deadline()):
                result = await self._follow(url, attempt)
        except _Retry as retry:
            host.not_before = max(host.not_before, time.monotonic() + retry.delay)
            host.links.appendleft((url, attempt + 1))
            result = None
        except TimeoutError:
            result = Result(url, TIMEOUT, detail="no answer before the run's deadline")
        except Exception as error:  # one odd answer must not end the run
            result = Result(url, FAILED, detail=f"could not be checked ({type(error).__name__})")
        finally:
            host.in_flight -= 1
            self.in_flight -= 1
            self.changed.set()
        if result is not None:
            result.elapsed_ms = round((time.monotonic() - started) * 1000)
            self.on_result(self.keys[url], result)

    def _loop_deadline(self) -> float:
        loop = asyncio.get_running_loop()
        return loop.time() + (self.deadline - time.monotonic())

    async def _follow(self, url: str, attempt: int) -> Result:
        policy = self.policy
        hops: list = []
        current = URL(url)
        new_url = ""
        permanent_so_far = True
        seen = {str(current)}
        while True:
            if refusal := url_error(current, policy):
                return Result(url, REFUSED, hops=hops, detail=f"redirected to {current}: {refusal}")
            try:
                status, headers = await self._request(current)
            except ForbiddenAddress as error:
                return Result(url, REFUSED, hops=hops, detail=error.strerror or "")
            except (TimeoutError, aiohttp.ServerTimeoutError):
                # No second request for this link in this run: the host is slow, not to be pushed.
                return Result(url, TIMEOUT, hops=hops, detail="no answer within the time limit")
            except aiohttp.ClientConnectorDNSError:
                return Result(url, FAILED, hops=hops, detail=f"host {current.host} not found", unreachable=True)
            except aiohttp.ClientConnectorCertificateError:
                return Result(url, FAILED, hops=hops, detail="the site's certificate is not valid")
            except aiohttp.ClientConnectorError as error:
                if reason := refused_because(error.os_error):
                    return Result(url, REFUSED, hops=hops, detail=reason)
                return Result(url, FAILED, hops=hops, detail=f"could not connect to {current.host}", unreachable=True)
            except (aiohttp.InvalidURL, ValueError):
                return Result(url, FAILED, hops=hops, detail="not a valid web address")
            except aiohttp.ClientError as error:
                return Result(url, FAILED, hops=hops, detail=f"bad answer ({type(error).__name__})")

            if status in REDIRECTS and "Location" in headers:
                try:
                    target = current.join(URL(headers["Location"], encoded=True))
                    str(target)  # yarl parses the host and port lazily
                except ValueError:
                    return Result(url, FAILED, status, hops=hops, detail="redirected to an invalid address")
                hops.append([status, str(target)])
                permanent_so_far = permanent_so_far and status in PERMANENT
                if permanent_so_far:
                    new_url = str(target)
                if len(hops) > policy.max_redirects:
                    return Result(url, FAILED, status, hops=hops, detail=f"more than {policy.max_redirects} redirects")
                if str(target) in seen:
                    return Result(url, FAILED, status, hops=hops, detail="redirects in a loop")
                seen.add(str(target))
                current = target
                continue
            return self._verdict(url, current, status, headers, hops, new_url, attempt)

    def _verdict(self, url, current: URL, status: int, headers, hops, new_url: str, attempt: int) -> Result:
        if 200 <= status < 300:
            if new_url and new_url != url:
                return Result(url, MOVED, status, new_url=new_url, hops=hops, detail="moved permanently")
            return Result(url, OK, status, hops=hops)
        protected = bot_protected(current.host or "") or "cf-mitigated" in headers or status == 999
        if status in (429, 503) and attempt == 0:
            # Honour Retry-After when it fits the deadline; a 503 without one gets one more try.
            delay = retry_after(headers.get("Retry-After"), None if status == 429 else 1.0)
            if (
                delay is not None
                and delay <= self.policy.max_retry_after
                and time.monotonic() + delay + self.policy.read_timeout < self.deadline
            ):
                raise _Retry(delay)
        if status in (403, 429, 999) and (protected or status == 429):
            return Result(url, BLOCKED, status, hops=hops, detail="the site turns away scripts: could not verify")
        if status in (404, 410):
            return Result(url, FAILED, status, hops=hops, detail="not found" if status == 404 else "gone")
        return Result(url, FAILED, status, hops=hops, detail=f"the site answered {status}")

    async def _request(self, url: URL) -> tuple[int, Mapping[str, str]]:
        """HEAD, then GET when HEAD is refused; the GET's body is never read."""
        status, headers = await self._send("HEAD", url)
        if status in HEAD_REFUSED:
            status, headers = await self._send("GET", url)
        return status, headers

    async def _send(self, method: str, url: URL) -> tuple[int, Mapping[str, str]]:
        async with self.session.request(method, url, allow_redirects=False) as response:
            headers = response.headers.copy()
            if method == "GET":
                response.close()  # drop the connection rather than read an unknown body
            return response.status, headers


def check(links: Iterable[tuple[object, str]], policy: Policy, on_result: Callable[[list, Result], None]) -> None:
    """Check ``(key, url)`` pairs; ``on_result(keys, result)`` is called once per distinct URL."""
    by_url: dict[str, list] = {}
    for key, url in links:
        by_url.setdefault(url, []).append(key)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(Checker(policy, on_result).run(by_url))
        return
    # Called where an event loop already runs (an async caller): ours gets a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, Checker(policy, on_result).run(by_url)).result()
