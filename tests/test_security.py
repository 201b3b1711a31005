"""API keys, rate limits, body size, same-origin page routes, CORS and security headers."""

import time

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings
from service.replicas import TokenBucket
from tests.conftest import page_token

Q = {"question": "How much does a VP of Sales earn?"}


def _client(settings: Settings, assistant: Assistant, **update) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(settings.model_copy(update=update), assistant))


def test_api_keys_required_accepted_rejected(fake_settings: Settings, fake_assistant: Assistant,
                                            caplog: pytest.LogCaptureFixture) -> None:
    with _client(fake_settings, fake_assistant, api_keys=["k-one", "k-two-secret"]) as c:
        missing = c.post("/api/answer", json=Q)
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        assert "API key" in missing.json()["detail"]
        assert c.post("/api/answer", json=Q, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/api/answer", json=Q, headers={"Authorization": "Basic k-one"}).status_code == 401
        ok = c.post("/api/answer", json=Q, headers={"Authorization": "Bearer k-two-secret"})
        assert ok.status_code == 200 and ok.json()["citations"]
        # the chat page and probes stay open
        assert c.get("/").status_code == 200 and c.get("/healthz").status_code == 200
        assert c.post("/web/answer", json=Q, headers={"X-CSRF-Token": page_token(c)}).status_code == 200
    assert "k-two-secret" not in caplog.text


def test_page_routes_refuse_cross_site_posts(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with _client(fake_settings, fake_assistant) as c:
        assert c.post("/web/answer", json=Q, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
        evil = c.post("/web/answer", json=Q, headers={"Origin": "https://evil.example"})
        assert evil.status_code == 403 and "cross-site" in evil.json()["detail"]
        same = c.post("/web/answer", json=Q, headers={"Origin": "http://testserver", "X-CSRF-Token": page_token(c)})
        assert same.status_code == 200
        tokenless = c.post("/web/answer", json=Q, headers={"Origin": "http://testserver"})
        assert tokenless.status_code == 403 and "page token" in tokenless.json()["detail"]


def test_rate_limit_hit_and_recovered(fake_settings: Settings, fake_assistant: Assistant) -> None:
    # (the first question reads the spelling word list: asked before, so the four requests below take well under
    # the second a token takes to refill, even on a loaded machine)
    fake_assistant.search("CRO")
    with _client(fake_settings, fake_assistant, rate_limit_per_minute=60, rate_limit_burst=3) as c:
        codes = [c.post("/api/search", json={"query": "CRO"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = c.post("/api/search", json={"query": "CRO"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert "too many requests" in limited.json()["detail"]
        time.sleep(1.1)  # 60/min refills one token every second
        assert c.post("/api/search", json={"query": "CRO"}).status_code == 200


def test_token_bucket_refills_per_key() -> None:
    bucket = TokenBucket(per_minute=60, burst=2)
    assert bucket.take("a", now=0.0) == 0.0 and bucket.take("a", now=0.0) == 0.0
    assert bucket.take("a", now=0.0) == pytest.approx(1.0)
    assert bucket.take("b", now=0.0) == 0.0  # other keys are unaffected
    assert bucket.take("a", now=1.0) == 0.0


def test_oversized_body_gets_413(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with _client(fake_settings, fake_assistant, max_body_bytes=2048) as c:
        big = {"question": "x", "history": [{"role": "user", "content": "y" * 5000}]}
        r = c.post("/api/answer", json=big)
        assert r.status_code == 413 and "larger than 2048" in r.json()["detail"]

        def chunks():  # type: ignore[no-untyped-def]
            yield b'{"question": "'
            for _ in range(10):
                yield b"z" * 500
            yield b'"}'

        chunked = c.post("/api/answer", content=chunks(), headers={"content-type": "application/json"})
        assert chunked.status_code == 413


def test_security_headers_and_csp(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with _client(fake_settings, fake_assistant) as c:
        page = c.get("/")
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["x-frame-options"] == "DENY"
        assert c.post("/api/answer", json={"question": ""}).headers["x-content-type-options"] == "nosniff"


def test_cors_off_by_default_and_configurable(fake_settings: Settings, fake_assistant: Assistant) -> None:
    pre = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    with _client(fake_settings, fake_assistant) as c:
        r = c.options("/api/answer", headers=pre)
        assert "access-control-allow-origin" not in r.headers
    with _client(fake_settings, fake_assistant, cors_origins=["https://app.example"]) as c:
        r = c.options("/api/answer", headers=pre)
        assert r.headers["access-control-allow-origin"] == "https://app.example"


def test_forwarded_for_is_believed_only_from_trusted_proxies(fake_settings: Settings,
                                                            fake_assistant: Assistant) -> None:
    import httpx

    from service.cli import proxy_options
    from tests.conftest import serve

    limited = fake_settings.model_copy(update={"rate_limit_per_minute": 1, "rate_limit_burst": 1})
    spoofed = [{"X-Forwarded-For": f"10.0.0.{i}"} for i in (1, 2)]
    with serve(create_app(limited, fake_assistant), **proxy_options(limited)) as url:
        codes = [httpx.post(f"{url}/api/search", json={"query": "vp sales pay"}, headers=h).status_code
                 for h in spoofed]
    assert codes == [200, 429]  # one loopback client, one budget, whatever the header says
    behind_proxy = limited.model_copy(update={"trusted_proxies": ["127.0.0.1"]})
    with serve(create_app(behind_proxy, fake_assistant), **proxy_options(behind_proxy)) as url:
        codes = [httpx.post(f"{url}/api/search", json={"query": "vp sales pay"}, headers=h).status_code
                 for h in spoofed]
    assert codes == [200, 200]  # the trusted proxy's header names two clients


def test_wrong_keys_are_rate_limited(fake_settings: Settings, fake_assistant: Assistant) -> None:
    settings = fake_settings.model_copy(update={"api_keys": ["right-key"], "rate_limit_per_minute": 1,
                                                "rate_limit_burst": 2})
    with TestClient(create_app(settings, fake_assistant)) as client:
        codes = [client.post("/api/search", json={"query": "x"}, headers={"Authorization": f"Bearer guess{i}"})
                 .status_code for i in range(3)]
    assert codes == [401, 401, 429]


def test_page_access_off_and_proxy(fake_settings: Settings, fake_assistant: Assistant) -> None:
    import httpx

    from service.cli import proxy_options
    from tests.conftest import serve

    off = fake_settings.model_copy(update={"page_access": "off"})
    with TestClient(create_app(off, fake_assistant)) as client:
        assert client.get("/").status_code == 404
        assert client.post("/web/answer", json={"question": "vp sales pay"}).status_code == 404
        assert client.post("/api/answer", json={"question": "vp sales pay"}).status_code == 200
    # behind an authenticating proxy: identity only from the trusted proxy, conversations per user
    proxied = fake_settings.model_copy(update={"page_access": "proxy", "trusted_proxies": ["127.0.0.1"]})
    with serve(create_app(proxied, fake_assistant), **proxy_options(proxied)) as url:
        assert httpx.get(f"{url}/").status_code == 403  # no identity
        ann = {"X-Forwarded-Email": "ann@example.com"}
        ann_token = page_token(httpx, f"{url}/", headers=ann)
        answered = httpx.post(f"{url}/web/answer", json={"question": "How much does a VP of Sales earn?"},
                              headers={**ann, "X-CSRF-Token": ann_token}).json()
        cid = answered["conversation_id"]
        assert "$100,000" in httpx.get(f"{url}/?c={cid}", headers=ann).text
        bob = httpx.get(f"{url}/?c={cid}", headers={"X-Forwarded-Email": "bob@example.com"})
        assert bob.status_code == 404
    untrusted = fake_settings.model_copy(update={"page_access": "proxy", "trusted_proxies": ["10.9.9.9"]})
    with serve(create_app(untrusted, fake_assistant), **proxy_options(untrusted)) as url:
        assert httpx.get(f"{url}/", headers={"X-Forwarded-Email": "ann@example.com"}).status_code == 403


def test_hostile_tokens_and_cookies_are_refused_not_500(fake_settings: Settings, fake_assistant: Assistant) -> None:
    import httpx

    from tests.conftest import serve

    limited = fake_settings.model_copy(update={"rate_limit_per_minute": 1, "rate_limit_burst": 2})
    with serve(create_app(limited, fake_assistant)) as url:
        odd = httpx.post(f"{url}/web/answer", json=Q, headers={"X-CSRF-Token": "\u00e9t\u00e9".encode("latin-1")})
        assert odd.status_code == 403
        cookie = httpx.get(f"{url}/", headers={"Cookie": ("roleqa_session=" + "\u00e9" * 3).encode("latin-1")})
        assert cookie.status_code == 200 and "roleqa_session=" in cookie.headers["set-cookie"]
        # dropping the cookie (a fresh session per request) does not escape the page's rate limit
        codes = [httpx.get(f"{url}/").status_code for _ in range(3)]
        assert codes[-1] == 429


@pytest.mark.parametrize(("trusted", "proxy", "outside"), [
    (["10.0.0.0/8"], "10.20.30.40", "11.0.0.1"),
    (["192.168.1.7", "172.16.0.0/12"], "172.31.255.254", "172.32.0.1"),
    (["fd00::/8"], "fd12:3456::1", "fe80::1"),
    (["2001:db8::/32", "127.0.0.1"], "2001:db8:ffff::9", "2001:db9::1"),
    (["10.0.0.0/8"], "::ffff:10.1.1.1", "::ffff:11.1.1.1"),  # IPv4 proxies seen through a dual-stack socket
])
def test_forwarded_for_is_believed_from_trusted_ranges_only(fake_settings: Settings, fake_assistant: Assistant,
                                                             trusted: list[str], proxy: str, outside: str) -> None:
    limited = fake_settings.model_copy(update={"rate_limit_per_minute": 1, "rate_limit_burst": 1,
                                               "trusted_proxies": trusted})
    app = create_app(limited, fake_assistant)
    spoofed = [{"X-Forwarded-For": f"203.0.113.{i}"} for i in (1, 2)]
    with TestClient(app, client=(proxy, 40000)) as via_proxy:
        codes = [via_proxy.post("/api/search", json={"query": "CRO"}, headers=h).status_code for h in spoofed]
    assert codes == [200, 200]  # a proxy inside the range names two clients, each with its own budget
    with TestClient(app, client=(outside, 40000)) as direct:
        codes = [direct.post("/api/search", json={"query": "CRO"}, headers=h).status_code for h in spoofed]
    assert codes == [200, 429]  # outside the range the header is ignored: one peer, one budget


def test_forwarded_for_skips_trusted_hops_and_spells_ipv6_one_way(fake_settings: Settings,
                                                                  fake_assistant: Assistant) -> None:
    limited = fake_settings.model_copy(update={"rate_limit_per_minute": 1, "rate_limit_burst": 1,
                                               "trusted_proxies": ["10.0.0.0/8", "fd00::/8"]})
    with TestClient(create_app(limited, fake_assistant), client=("10.0.0.2", 40000)) as c:
        # client, then an inner proxy of ours: the client is the last hop outside the trusted ranges
        first = c.post("/api/search", json={"query": "CRO"}, headers={"X-Forwarded-For": "2001:DB8::1, fd00::5"})
        same = c.post("/api/search", json={"query": "CRO"}, headers={"X-Forwarded-For": "2001:db8:0:0::1"})
        other = c.post("/api/search", json={"query": "CRO"}, headers={"X-Forwarded-For": "198.51.100.1, 10.9.9.9"})
    assert [first.status_code, same.status_code, other.status_code] == [200, 429, 200]


def test_proxy_identity_is_believed_from_trusted_ranges_only(fake_settings: Settings,
                                                             fake_assistant: Assistant) -> None:
    proxied = fake_settings.model_copy(update={"page_access": "proxy", "trusted_proxies": ["10.0.0.0/8", "fd00::/8"]})
    app = create_app(proxied, fake_assistant)
    ann = {"X-Forwarded-Email": "ann@example.com"}
    for inside in ("10.200.0.1", "fd00:1::2"):
        with TestClient(app, client=(inside, 40000)) as c:
            assert c.get("/", headers=ann).status_code == 200
            assert c.get("/").status_code == 403  # a trusted proxy that names no one
    for outside in ("11.0.0.1", "fe80::2", "127.0.0.1"):
        with TestClient(app, client=(outside, 40000)) as c:
            refused = c.get("/", headers=ann)
            assert refused.status_code == 403 and "sign in" in refused.json()["detail"]


def test_malformed_trusted_proxies_are_refused_at_startup(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from service.cli import cli

    with pytest.raises(ValueError, match="proxy.local"):
        Settings(trusted_proxies="10.0.0.0/8,proxy.local")
    assert Settings(trusted_proxies="127.0.0.1, 10.0.0.0/8,::1,fd00::/8").trusted_proxies == [
        "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"]
    monkeypatch.setenv("ROLEQA_TRUSTED_PROXIES", "10.0.0.0/8,10.0.0.5/8,10.0.0.0/33,*")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2, result.output
    assert "ROLEQA_TRUSTED_PROXIES" in result.output and "Traceback" not in result.output
    for entry in ("'10.0.0.5/8' (10.0.0.5/8 has host bits set)", "'10.0.0.0/33'", "'*'"):
        assert entry in result.output
    assert "'10.0.0.0/8'" not in result.output  # the good entry is not blamed


def test_forwarded_proto_https_marks_the_session_cookie_secure_from_trusted_ranges_only(
        fake_settings: Settings, fake_assistant: Assistant) -> None:
    app = create_app(fake_settings.model_copy(update={"trusted_proxies": ["10.0.0.0/8"]}), fake_assistant)
    tls = {"X-Forwarded-Proto": "https"}
    with TestClient(app, client=("10.1.2.3", 40000)) as via_proxy:
        assert "; Secure" in via_proxy.get("/", headers=tls).headers["set-cookie"]
    with TestClient(app, client=("192.0.2.1", 40000)) as direct:
        assert "Secure" not in direct.get("/", headers=tls).headers["set-cookie"]
