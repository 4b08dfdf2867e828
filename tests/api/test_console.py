"""The web console end to end in headless Chromium (Debian's, driven by Playwright).

Each test saves a screenshot of the page it checked under ``artifacts/console/`` (ignored by
git) so a person can look at what the browser rendered.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from api_helpers import Raw, raises_client_error
from botocore.client import BaseClient
from chromium import FLAGS, chromium_path
from playwright import sync_api
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "console"
HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">&amp;'


@pytest.fixture(scope="module", params=["memory", "directory"])
def console_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    data_dir = str(tmp_path_factory.mktemp("console")) if request.param == "directory" else None
    app = FakeS3(Settings(data_dir=data_dir, console_actions=True))
    with Server(app, port=0) as running:
        yield running
    assert not app.errors, f"unexpected app errors: {app.errors!r}"


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=list(FLAGS))
        yield launched
        launched.close()


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def client(console_server: Server) -> BaseClient:
    return client_for(console_server.endpoint_url)


def _control(server: Server, method: str, path: str, document: object = None) -> object:
    data = None if document is None else json.dumps(document).encode()
    request = urllib.request.Request(server.endpoint_url + path, data=data, method=method)
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


def _shot(page: sync_api.Page, name: str, server: Server) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    backend = "directory" if server.app.settings.data_dir else "memory"  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{backend}.png"), full_page=True)


def _console(server: Server, page_path: str = "") -> str:
    return f"{server.endpoint_url}/_fakes3/console/{page_path}"


def test_buckets_page_lists_buckets_and_their_configurations(
    console_server: Server, client: BaseClient, page: sync_api.Page
) -> None:
    client.create_bucket(Bucket="console-configs")
    client.put_bucket_tagging(
        Bucket="console-configs", Tagging={"TagSet": [{"Key": "team", "Value": "storage"}]}
    )
    page.goto(_console(console_server))
    _shot(page, "buckets", console_server)
    row = page.locator("#buckets tbody tr", has_text="console-configs")
    assert "tagging" in (row.text_content() or "").lower()
    page.click("#buckets a:text-is('console-configs')")
    page.wait_for_selector("#configs summary")
    summaries = page.locator("#configs summary").all_text_contents()
    assert any("tagging" in name.lower() for name in summaries), summaries
    page.click("#configs summary")
    assert "storage" in page.locator("#configs pre").first.text_content()


def test_key_browser_finds_a_key_by_prefix_and_pages(
    console_server: Server, client: BaseClient, page: sync_api.Page
) -> None:
    client.create_bucket(Bucket="console-keys")
    for number in range(30):
        client.put_object(Bucket="console-keys", Key=f"logs/2024/{number:03d}.log", Body=b"x")
    client.put_object(Bucket="console-keys", Key="logs/2025/app.log", Body=b"hello")
    client.put_object(Bucket="console-keys", Key="readme.txt", Body=b"r")
    upload = client.create_multipart_upload(Bucket="console-keys", Key="logs/2025/big.bin")
    page.goto(_console(console_server, "bucket?name=console-keys&delimiter=/"))
    # The delimiter rolls the logs up: one prefix and one key at the top.
    assert page.locator("#keys tbody a").all_text_contents() == ["logs/", "readme.txt"]
    page.fill("#prefix", "logs/2025/")
    page.click("#browse button")
    page.wait_for_selector("#keys a:text-is('logs/2025/app.log')")
    assert page.locator("#keys tbody a").all_text_contents() == ["logs/2025/app.log"]
    uploads = page.locator("#uploads td").all_text_contents()
    assert uploads[:2] == ["logs/2025/big.bin", upload["UploadId"]]
    _shot(page, "keys", console_server)
    # Paging: 25 a page, the next page resumes after the last key.
    page.goto(_console(console_server, "bucket?name=console-keys&prefix=logs/2024/&size=25"))
    first = page.locator("#keys tbody a").all_text_contents()
    page.click("#next")
    page.wait_for_url("**after=**")
    second = page.locator("#keys tbody a").all_text_contents()
    assert first == [f"logs/2024/{n:03d}.log" for n in range(25)]
    assert second == [f"logs/2024/{n:03d}.log" for n in range(25, 30)]
    assert page.locator("#next").count() == 0


def test_object_details_show_metadata_tags_versions_and_download(
    console_server: Server, client: BaseClient, page: sync_api.Page
) -> None:
    client.create_bucket(Bucket="console-object")
    client.put_bucket_versioning(
        Bucket="console-object", VersioningConfiguration={"Status": "Enabled"}
    )
    first = client.put_object(Bucket="console-object", Key="doc.txt", Body=b"one")
    client.put_object(
        Bucket="console-object",
        Key="doc.txt",
        Body=b"second",
        Metadata={"owner": "ada"},
        Tagging="stage=final",
        ChecksumAlgorithm="SHA256",
    )
    page.goto(_console(console_server, "bucket?name=console-object"))
    page.click("#keys a:text-is('doc.txt')")
    page.wait_for_selector("#details")
    _shot(page, "object", console_server)
    assert page.locator("#metadata td").all_text_contents() == ["owner", "ada"]
    assert page.locator("#tags td").all_text_contents() == ["stage", "final"]
    assert "SHA256" in page.locator("#details").text_content()
    versions = page.locator("#versions tbody tr")
    assert versions.count() == 2
    assert first["VersionId"] in versions.nth(1).text_content()
    href = page.get_attribute("#download", "href")
    assert href is not None
    with urllib.request.urlopen(console_server.endpoint_url + href) as answer:
        assert answer.read() == b"second"  # an ordinary S3 GET of the version shown


def test_journal_row_appears_after_a_boto3_call(
    console_server: Server, client: BaseClient, page: sync_api.Page
) -> None:
    client.create_bucket(Bucket="console-journal")
    page.goto(_console(console_server, "journal"))
    page.wait_for_selector("#journal-count:has-text('request(s)')")
    with raises_client_error("NoSuchKey", 404):
        client.get_object(Bucket="console-journal", Key="journal-probe")
    row = page.locator("#journal tbody tr", has_text="journal-probe")
    row.first.wait_for()
    assert row.first.locator(".operation").text_content() == "GetObject"
    assert row.first.locator(".status").text_content() == "404"
    assert row.first.locator(".error-code").text_content() == "NoSuchKey"
    page.fill("#f-error", "NoSuchKey")
    assert set(page.locator("#journal .error-code").all_text_contents()) == {"NoSuchKey"}
    _shot(page, "journal", console_server)
    # The console only looks: its pages and polls are not journaled, so they evict nothing.
    journal = _control(console_server, "GET", "/_fakes3/journal")
    paths = [entry["path"] for entry in journal["entries"]]  # type: ignore[index]
    assert "/console-journal/journal-probe" in paths
    assert not [path for path in paths if path.startswith("/_fakes3/console/")]


def test_settle_button_makes_a_stale_key_visible(
    console_server: Server, client: BaseClient, page: sync_api.Page
) -> None:
    client.create_bucket(Bucket="console-stale")
    _control(console_server, "POST", "/_fakes3/clock/advance", {"seconds": 0})  # manual clock
    _control(console_server, "PUT", "/_fakes3/consistency", {"preset": "eventual", "seed": 3})
    try:
        client.put_object(Bucket="console-stale", Key="fresh.txt", Body=b"new")
        with raises_client_error("NoSuchKey", 404):
            client.get_object(Bucket="console-stale", Key="fresh.txt")
        page.goto(_console(console_server, "consistency"))
        assert "console-stale/fresh.txt" in page.locator("#timeline").text_content()
        _shot(page, "consistency", console_server)
        page.click("#settle")
        page.wait_for_selector("#pending:text-is('0 change(s)')")
        body = client.get_object(Bucket="console-stale", Key="fresh.txt")["Body"].read()
        assert body == b"new"
    finally:
        _control(console_server, "PUT", "/_fakes3/consistency", {"preset": "strong"})


def test_advance_button_moves_the_clock(console_server: Server, page: sync_api.Page) -> None:
    before = _control(console_server, "GET", "/_fakes3/clock")
    page.goto(_console(console_server, "consistency"))
    shown = page.locator("#clock").text_content()
    page.fill("#advance-seconds", "90")
    page.click("#advance")
    sync_api.expect(page.locator("#clock")).not_to_have_text(shown or "")
    after = _control(console_server, "GET", "/_fakes3/clock")
    assert after["manual"] is True  # type: ignore[index]
    assert after["time"] - before["time"] >= 90  # type: ignore[index]


def test_fault_rules_added_and_removed_from_the_page(
    console_server: Server, client: BaseClient, page: sync_api.Page
) -> None:
    client.create_bucket(Bucket="console-faults")
    page.goto(_console(console_server, "faults"))
    rule = {"operation": "PutObject", "bucket": "console-faults", "error": "SlowDown"}
    page.fill("#rule-json", json.dumps(rule))
    page.click("#add-rule")
    page.wait_for_selector("#rule-count:text-is('1 rule(s)')")
    _shot(page, "faults", console_server)
    with raises_client_error("SlowDown", 503):
        client.put_object(Bucket="console-faults", Key="k", Body=b"x")
    page.click("button.remove")
    page.wait_for_selector("#rule-count:text-is('0 rule(s)')")
    client.put_object(Bucket="console-faults", Key="k", Body=b"x")
    # A bad rule is refused by the control endpoint, and the page says why.
    page.fill("#rule-json", json.dumps({"operation": "NoSuchOperation", "error": "SlowDown"}))
    page.click("#add-rule")
    page.wait_for_selector("#action-result:has-text('400')")
    assert _control(console_server, "GET", "/_fakes3/faults") == {"rules": []}


def test_a_hostile_key_renders_as_text(
    console_server: Server, client: BaseClient, page: sync_api.Page
) -> None:
    client.create_bucket(Bucket="console-hostile")
    client.put_object(Bucket="console-hostile", Key=HOSTILE, Body=b"x", Metadata={"m": HOSTILE})
    page.goto(_console(console_server, "bucket?name=console-hostile&delimiter="))
    assert page.locator("#keys tbody a").all_text_contents() == [HOSTILE]
    page.click("#keys tbody a")
    page.wait_for_selector("#key")
    assert page.locator("#key").text_content() == HOSTILE
    assert page.locator("#metadata td").all_text_contents() == ["m", HOSTILE]
    page.goto(_console(console_server, "journal"))
    page.locator("#journal tbody tr", has_text="window.pwned").first.wait_for()
    _shot(page, "hostile", console_server)
    assert page.evaluate("window.pwned") is None
    assert page.locator("main img, main script").count() == 0


def test_serve_default_is_read_only(server: Server, raw: Raw) -> None:
    """Without console actions the pages offer no button that changes state; pages answer
    GET and HEAD only."""
    for path, absent in (("consistency", "id=settle"), ("faults", "id=add-rule")):
        answer = raw("GET", f"/_fakes3/console/{path}")
        assert answer.status_code == 200
        assert "read-only" in answer.text and absent not in answer.text
        assert "script-src" not in answer.headers.get("content-security-policy", "")
        assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert raw("POST", "/_fakes3/console/faults").status_code == 405
    assert raw("GET", "/_fakes3/console/nothing-here").status_code == 404
    assert raw("GET", "/_fakes3/console/static/../control.py").status_code == 404


@contextmanager
def _fakes3_serve(*argv: str) -> Iterator[str]:
    """``python -m fakes3 serve`` as a user starts it; yields its URL once it listens."""
    command = [sys.executable, "-m", "fakes3", "serve", "--port", "0", "--quiet", *argv]
    env = {name: value for name, value in os.environ.items() if not name.startswith("FAKES3_")}
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            found = re.search(r"http://127\.0\.0\.1:\d+", line)
            assert found, line
            yield found.group(0)
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_fakes3_serve_console_finds_a_bucket_a_key_and_a_journal_row(
    page: sync_api.Page,
) -> None:
    with _fakes3_serve() as url:
        client = client_for(url)
        client.create_bucket(Bucket="served-bucket")
        client.put_object(Bucket="served-bucket", Key="deep/down/served.txt", Body=b"hi")
        page.goto(url + "/_fakes3/console/")
        page.click("#buckets a:text-is('served-bucket')")
        page.click("#keys a:text-is('deep/down/served.txt')")
        assert page.locator("#key").text_content() == "deep/down/served.txt"
        page.goto(url + "/_fakes3/console/journal")
        row = page.locator("#journal tbody tr", has_text="served-bucket/deep/down/served.txt")
        row.first.wait_for()
        assert row.first.locator(".operation").text_content() == "PutObject"
        page.goto(url + "/_fakes3/console/consistency")
        assert page.locator("#settle").count() == 0  # read-only without --console-actions
    with _fakes3_serve("--console-actions") as url:
        page.goto(url + "/_fakes3/console/consistency")
        assert page.locator("#settle").count() == 1
