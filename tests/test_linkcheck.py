"""The link checker against a real web server on 127.0.0.1, and the addresses it must never fetch."""

import ipaddress
import time

import pytest

from courseapp import linkcheck

from .linkserver import LinkServer

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
FAST = linkcheck.Policy(allowed_networks=LOOPBACK, connect_timeout=1, read_timeout=1, deadline=20)


@pytest.fixture
def server():
    with LinkServer() as server:
        yield server


def check(urls, policy=FAST) -> dict[str, linkcheck.Result]:
    found = {}
    linkcheck.check(
        [(url, url) for url in urls], policy, lambda keys, result: found.update(dict.fromkeys(keys, result))
    )
    return found


def test_each_answer_gets_its_verdict(server):
    paths = ["/ok", "/temporary", "/missing", "/gone", "/protected", "/loop", "/moved/6", "/head-refused"]
    found = {url.removeprefix(server.base): result for url, result in check(server.base + p for p in paths).items()}

    assert found["/ok"].outcome == linkcheck.OK
    assert found["/temporary"].outcome == linkcheck.OK  # a temporary redirect is no reason to change the link
    assert found["/temporary"].hops == [[302, server.base + "/ok"]]
    assert (found["/missing"].outcome, found["/missing"].http_status) == (linkcheck.FAILED, 404)
    assert (found["/gone"].outcome, found["/gone"].http_status) == (linkcheck.FAILED, 410)
    # 403 from a site that is not known for turning away scripts is a real failure.
    assert (found["/protected"].outcome, found["/protected"].http_status) == (linkcheck.FAILED, 403)
    assert found["/loop"].detail == "redirects in a loop"
    assert found["/moved/6"].detail == "more than 5 redirects"
    assert found["/head-refused"].outcome == linkcheck.OK
    assert ("GET", "/head-refused") in server.requests  # HEAD was refused, so GET was asked
    assert ("GET", "/ok") not in server.requests  # HEAD was enough


def test_a_chain_of_permanent_redirects_offers_the_new_address(server):
    result = check([server.base + "/moved/3"])[server.base + "/moved/3"]

    assert result.outcome == linkcheck.MOVED
    assert result.new_url == server.base + "/ok"
    assert [status for status, _ in result.hops] == [301, 301, 301]


def test_retry_after_is_honoured_and_a_503_is_asked_again(server):
    started = time.monotonic()
    found = check([server.base + "/busy", server.base + "/flaky"])

    assert found[server.base + "/busy"].outcome == linkcheck.OK
    assert found[server.base + "/flaky"].outcome == linkcheck.OK
    assert server.seen["/busy"] == 2 and server.seen["/flaky"] == 2
    assert time.monotonic() - started >= 1.0  # it waited the second the 429 asked for


def test_retry_after_beyond_the_deadline_is_not_waited_for(server):
    policy = linkcheck.Policy(allowed_networks=LOOPBACK, read_timeout=1, deadline=1.5)
    result = check([server.base + "/busy"], policy)[server.base + "/busy"]

    # A 429 not from a bot-protected site, not retried: "could not verify", not broken.
    assert (result.outcome, result.http_status) == (linkcheck.BLOCKED, 429)
    assert server.seen["/busy"] == 1


def test_a_slow_answer_times_out_without_a_second_request(server):
    started = time.monotonic()
    result = check([server.base + "/slow"])[server.base + "/slow"]

    assert result.outcome == linkcheck.TIMEOUT
    assert time.monotonic() - started < 2.5  # the read timeout (1 s), not the server's 3 s
    assert server.requests.count(("HEAD", "/slow")) == 1 and ("GET", "/slow") not in server.requests


def test_an_endless_body_is_not_downloaded(server):
    started = time.monotonic()
    result = check([server.base + "/endless"])[server.base + "/endless"]

    assert result.outcome == linkcheck.OK
    assert time.monotonic() - started < 5
    # The server could write what the kernel's socket buffers hold before the checker hung up; not 1 GiB.
    assert server.body_bytes_sent < 32 * 2**20


def test_the_run_deadline_ends_a_run(server):
    policy = linkcheck.Policy(allowed_networks=LOOPBACK, per_host=1, read_timeout=5, deadline=1)
    started = time.monotonic()
    found = check([server.base + "/slow", server.base + "/ok"], policy)

    assert time.monotonic() - started < 2.5
    assert {result.outcome for result in found.values()} == {linkcheck.TIMEOUT}
    assert "deadline" in found[server.base + "/ok"].detail


def test_at_most_six_requests_in_flight_per_host_and_hosts_taken_in_turn():
    with LinkServer("127.0.0.1") as big, LinkServer("127.0.0.2") as small:
        urls = [f"{big.base}/wait?{n}" for n in range(60)] + [f"{small.base}/wait?{n}" for n in range(3)]
        finished = []
        linkcheck.check(
            [(url, url) for url in urls],
            linkcheck.Policy(allowed_networks=LOOPBACK, host_interval=0),
            lambda keys, result: finished.append(keys[0]),
        )

    assert big.max_in_flight == 6 and len(finished) == 63
    # The small host's links were not queued behind the big host's 60: they were done in the first wave.
    assert max(finished.index(url) for url in finished if url.startswith(small.base)) < 12


def test_the_same_link_on_two_readings_is_fetched_once(server):
    reports = []
    linkcheck.check([(1, server.base + "/ok"), (2, server.base + "/ok")], FAST, lambda *report: reports.append(report))

    assert [keys for keys, _ in reports] == [[1, 2]]
    assert server.seen["/ok"] == 1


STRICT = linkcheck.Policy(connect_timeout=1, read_timeout=1, deadline=10)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1",  # shorthand the C library reads as 127.0.0.1
        "2130706433",  # 127.0.0.1 as one number
        "0x7f.0.0.1",
        "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
        "[::1]",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # link-local: the cloud metadata service
        "100.64.0.1",  # shared address space
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "0.0.0.0",
    ],
)
def test_forbidden_addresses_are_refused_without_a_connection(server, address):
    port = server.server_address[1]
    url = f"http://{address}:{port}/ok"
    # Even with the server's port allowed, the address alone is enough to refuse.
    result = check([url], linkcheck.Policy(ports=frozenset({80, 443, port}), deadline=5))[url]

    assert result.outcome == linkcheck.REFUSED, result
    assert server.requests == []


def test_a_name_that_resolves_to_loopback_is_refused_where_the_socket_is_made(server):
    port = server.server_address[1]
    url = f"http://localhost:{port}/ok"
    result = check([url], linkcheck.Policy(ports=frozenset({80, 443, port}), deadline=5))[url]

    assert result.outcome == linkcheck.REFUSED
    assert "public" in result.detail
    assert server.requests == []


def test_every_redirect_hop_is_checked_again(server):
    # The first hop is allowed (the test network), the redirect to a private address is not followed.
    result = check([server.base + "/to/169.254.169.254"])[server.base + "/to/169.254.169.254"]

    assert result.outcome == linkcheck.REFUSED
    assert "169.254.169.254 is not a public address" in result.detail
    assert result.hops == [[301, "http://169.254.169.254/"]]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/paper.pdf", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http://example.org:8000/", "port 8000"),
        ("https://example.org:22/", "port 22"),
    ],
)
def test_only_http_and_https_on_the_usual_ports(url, reason):
    result = check([url], STRICT)[url]

    assert result.outcome == linkcheck.REFUSED and reason in result.detail


def test_a_name_that_does_not_resolve_is_a_failure():
    result = check(["http://no-such-host.invalid/"], STRICT)["http://no-such-host.invalid/"]

    assert result.outcome == linkcheck.FAILED and "not found" in result.detail


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3.0), (None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_reads_seconds_and_dates(value, expected):
    assert linkcheck.retry_after(value, None) == expected


def test_bot_protection_is_known_by_host():
    assert linkcheck.bot_protected("doi.org") and linkcheck.bot_protected("dl.acm.org")
    assert not linkcheck.bot_protected("arxiv.org") and not linkcheck.bot_protected("notdoi.org")
