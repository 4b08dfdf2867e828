"""fakes3's pytest plugin: fixtures, the ``fakes3`` marker and command-line options.

Registered through the ``pytest11`` entry point, so installing fakes3 is enough; disable it
with ``-p no:fakes3``. It imports nothing but pytest until a fixture is used, so projects that
never ask for one pay nothing. Every fixture is documented in docs/pytest.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fakes3.harness import Fakes3, TestServer
    from fakes3.mock import MockS3
    from fakes3.settings import Settings

BACKENDS = ("memory", "directory")
# how to read the exceptions fakes3 raised while answering the current test's requests
_NEW_ERRORS: pytest.StashKey[Callable[[], list[BaseException]]] = pytest.StashKey()
_MARKER_ARGS = frozenset({"backend", "consistency", "seed", "faults", "clock", "fail_on_findings"})
# the checker's verdict on the current test (marker consistency="checker")
_CHECKER: pytest.StashKey[Callable[[], None]] = pytest.StashKey()
# the web console of the server the current test used (docs/console.md)
_CONSOLE: pytest.StashKey[str] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fakes3", "fakes3 (S3 test double)")
    group.addoption(
        "--fakes3-backend",
        choices=BACKENDS,
        default=None,
        help="store of the fakes3 test server: memory (default) or directory",
    )
    group.addoption(
        "--s3-endpoint",
        default=None,
        metavar="URL",
        help="run the fakes3 fixtures against this S3-compatible endpoint instead of a fakes3 "
        "server (journal and reset tests are skipped)",
    )
    group.addoption(
        "--fakes3-console",
        action="store_true",
        default=False,
        help="show the fakes3 web console URL in each failing test's report (the server "
        "stays up while the session runs, e.g. at a --pdb prompt); see docs/console.md",
    )
    parser.addini("fakes3_backend", "fakes3 test server store: memory or directory", default="")
    parser.addini("s3_endpoint", "external S3-compatible endpoint for the fakes3 fixtures")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fakes3(backend=None, consistency=None, seed=None, faults=None, clock=None, "
        "fail_on_findings=True): run this test against a fakes3 server with these settings "
        "(backend: 'memory' or 'directory'; consistency: a preset or a dict of knobs, see "
        "docs/consistency.md; faults: fault rules, see docs/faults.md); implies the fakes3 "
        "fixture",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked ``@pytest.mark.fakes3`` gets the ``fakes3`` fixture (its environment)."""
    for item in items:
        if item.get_closest_marker("fakes3") is None:
            continue
        names = getattr(item, "fixturenames", None)
        if isinstance(names, list) and "fakes3" not in names:
            names.append("fakes3")


def _option(config: pytest.Config, option: str, ini: str) -> str | None:
    value = config.getoption(option)
    if value:
        return str(value)
    text = str(config.getini(ini) or "").strip()
    return text or None


def _backend(config: pytest.Config, settings: Settings) -> str:
    """The option or ini value; else what the settings say (a ``data_dir`` is a directory)."""
    backend = _option(config, "fakes3_backend", "fakes3_backend")
    if backend is None:
        return "memory" if settings.data_dir is None else "directory"
    if backend not in BACKENDS:
        raise pytest.UsageError(f"fakes3_backend must be one of {BACKENDS}, not {backend!r}")
    return backend


class _Servers:
    """The session's fakes3 servers, one per backend, started when first needed."""

    def __init__(self, settings: Settings, factory: pytest.TempPathFactory) -> None:
        self.settings = settings
        self.factory = factory
        self.running: dict[str, TestServer] = {}

    def get(self, backend: str) -> TestServer:
        if backend not in self.running:
            from dataclasses import replace

            from fakes3.harness import TestServer

            data_dir = self.settings.data_dir
            if backend == "memory":
                data_dir = None
            elif data_dir is None:
                data_dir = str(self.factory.mktemp("fakes3-data"))
            settings = replace(self.settings, data_dir=data_dir)
            config_dir = str(self.factory.mktemp("fakes3-aws"))
            self.running[backend] = TestServer.start(settings, config_dir)
        return self.running[backend]

    def stop(self) -> None:
        for server in self.running.values():
            server.stop()
        self.running.clear()


@pytest.fixture(scope="session")
def fakes3_settings() -> Settings:
    """Settings for the session's fakes3 servers (override to change region, domain …).

    Signatures are checked strictly, as S3 checks them: the fixtures' clients sign with the
    default account (``test`` / ``test``); an unknown key is ``InvalidAccessKeyId``.
    ``FAKES3_BUCKET_DEFAULTS``, ``FAKES3_CONSISTENCY``, ``FAKES3_SEED``,
    ``FAKES3_LIFECYCLE_DAY``, ``FAKES3_RESTORE_SECONDS`` and
    ``FAKES3_IGNORE_STRAY_BYPASS_GOVERNANCE`` apply (docs/pytest.md).
    """
    from fakes3.settings import BEHAVIOUR_FIELDS, Settings

    settings = Settings.from_env(only=BEHAVIOUR_FIELDS, auth="strict")
    settings.check()
    return settings


@pytest.fixture(scope="session")
def _fakes3_servers(
    fakes3_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[_Servers]:
    servers = _Servers(fakes3_settings, tmp_path_factory)
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def fakes3_server(
    request: pytest.FixtureRequest,
    _fakes3_servers: _Servers,
    fakes3_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> TestServer:
    """The session's S3 endpoint: a fakes3 server on a free loopback port (one per xdist
    worker), or the ``--s3-endpoint`` URL."""
    endpoint = _option(request.config, "s3_endpoint", "s3_endpoint")
    if endpoint:
        from fakes3.harness import TestServer

        config_dir = str(tmp_path_factory.mktemp("fakes3-aws"))
        return TestServer.external(endpoint, fakes3_settings, config_dir)
    return _fakes3_servers.get(_backend(request.config, fakes3_settings))


def _marked_server(request: pytest.FixtureRequest, default: TestServer) -> TestServer:
    marker = request.node.get_closest_marker("fakes3")
    if marker is None:
        return default
    if marker.args or set(marker.kwargs) - _MARKER_ARGS:
        raise pytest.UsageError(
            f"@pytest.mark.fakes3 takes keyword arguments {sorted(_MARKER_ARGS)}, "
            f"not {marker.args!r} {marker.kwargs!r}"
        )
    backend = marker.kwargs.get("backend")
    if backend is None or default.is_external or backend == default.backend:
        return default
    if backend not in BACKENDS:
        raise pytest.UsageError(f"@pytest.mark.fakes3(backend=...) must be one of {BACKENDS}")
    servers: _Servers = request.getfixturevalue("_fakes3_servers")
    return servers.get(backend)


@pytest.fixture
def fakes3(
    request: pytest.FixtureRequest, fakes3_server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Fakes3]:
    """The test's handle on the endpoint, freshly reset; AWS variables point at it."""
    from fakes3.harness import Fakes3

    server = _marked_server(request, fakes3_server)
    if not server.is_external:
        assert server.app is not None
        server.app.reset()
    handle = Fakes3(server, unavailable=pytest.skip)
    marker = request.node.get_closest_marker("fakes3")
    if marker is not None and not server.is_external:
        _realism(request, handle, marker.kwargs)
    for name, value in handle.environment().items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:  # its default session may hold credentials read before this test
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    request.node.stash[_NEW_ERRORS] = handle.new_errors
    if not server.is_external:
        request.node.stash[_CONSOLE] = server.endpoint_url.rstrip("/") + "/_fakes3/console/"
    yield handle
    handle.cleanup()


def _realism(request: pytest.FixtureRequest, handle: Fakes3, kwargs: dict[str, Any]) -> None:
    """Apply the marker's consistency, seed, faults and clock to the freshly reset server."""
    consistency = kwargs.get("consistency")
    seed = kwargs.get("seed")
    clock = kwargs.get("clock", "manual" if consistency is not None else "wall")
    if clock not in ("manual", "wall"):
        raise pytest.UsageError("@pytest.mark.fakes3(clock=...) is 'manual' or 'wall'")
    if clock == "manual":
        handle.consistency.manual_clock()
    knobs = dict(consistency) if isinstance(consistency, dict) else {"preset": consistency}
    preset = knobs.pop("preset", None) or "strong"
    handle.consistency.set(preset, seed=seed, **knobs)
    if seed is not None:
        handle.faults.seed(seed)
    for rule in kwargs.get("faults") or ():
        if isinstance(rule, dict):
            handle.faults.add(**rule)
        else:
            handle.faults.add(rule)
    if handle.consistency.rules.check is not None and kwargs.get("fail_on_findings", True):
        request.node.stash[_CHECKER] = handle.consistency.assert_consistent


@pytest.fixture
def s3_client(fakes3: Fakes3) -> Any:
    """A boto3 S3 client (default configuration) for the test's endpoint."""
    return fakes3.client()


@pytest.fixture
def s3_resource(fakes3: Fakes3) -> Any:
    """A boto3 S3 service resource for the test's endpoint."""
    return fakes3.resource()


@pytest.fixture
def s3_bucket(fakes3: Fakes3) -> str:
    """The name of a fresh, empty bucket."""
    return fakes3.create_bucket()


@pytest.fixture
def mock_s3(request: pytest.FixtureRequest) -> Iterator[MockS3]:
    """In-process fakes3: every botocore S3 client is answered without a socket."""
    from fakes3.mock import mock_s3 as start

    with start() as mocked:
        mark = len(mocked.errors)
        request.node.stash[_NEW_ERRORS] = lambda: mocked.errors[mark:]
        yield mocked


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Fail the test whose requests made fakes3 raise (each was answered 500 InternalError)."""
    new_errors = item.stash.get(_NEW_ERRORS, None)
    try:
        result = yield
    except BaseException as exc:
        errors = new_errors() if new_errors is not None else []
        if errors and hasattr(exc, "add_note"):
            exc.add_note(f"fakes3 raised inside the server during this test: {errors!r}")
        raise
    errors = new_errors() if new_errors is not None else []
    checker = item.stash.get(_CHECKER, None)
    if checker is not None and not errors:
        checker()  # the ConsistencyError names the reads that relied on strong consistency
    if errors:
        from fakes3.harness import ServerError

        raise ServerError(
            f"fakes3 raised {len(errors)} unexpected exception(s) while answering this test's "
            f"requests (each was answered 500 InternalError): {errors!r}"
        ) from errors[0]
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """With ``--fakes3-console``, a failing test's report names the console to look in."""
    report = yield
    url = item.stash.get(_CONSOLE, None)
    if report.failed and url is not None and item.config.getoption("fakes3_console"):
        report.sections.append(("fakes3 console", f"open {url} to see this test's state"))
    return report
