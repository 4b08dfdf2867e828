"""In-process fakes3: botocore's S3 requests answered by a FakeS3 app, with no socket.

While a ``mock_s3()`` block is active, every botocore S3 client in the process — made before
or during the block, from any session — is answered by the block's app through botocore's
``before-send`` event. Clients copy their session's event handlers when they are made, so a
handler registered on enter could not reach clients that already exist; instead, on enter,
``HierarchicalEmitter.emit`` (the one method every client's emitter runs) is wrapped so that a
``before-send.s3.*`` event nobody else answered gets the app's answer. On exit the original
method is put back. Nothing is registered at import time; other services are untouched.

``requests`` calls to S3 host names (presigned URLs, for instance) are answered by the same
app during the block through the ``responses`` library (a dependency of fakes3, as of moto),
and every other URL passes through to the network.

``mock_aws`` is the same thing under moto's name, so a moto S3 test module switches with one
import; docs/in-process.md lists what differs.
"""

from __future__ import annotations

import functools
import inspect
import io
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import unquote

from fakes3.app import FakeS3
from fakes3.faults import DropConnection, Faults
from fakes3.journal import Journal
from fakes3.protocol.field_names import HEADER_SECTION_MAX, are_field_names
from fakes3.protocol.numbers import decimal
from fakes3.settings import BEHAVIOUR_FIELDS, Settings
from fakes3.store import Store
from fakes3.store.consistency_control import Consistency

__all__ = ["MockS3", "mock_aws", "mock_s3"]

T = TypeVar("T")

# S3 host names as botocore and presigned URLs spell them: s3.amazonaws.com,
# bucket.s3.eu-west-1.amazonaws.com, s3-eu-west-1.amazonaws.com, s3.dualstack..., .com.cn.
S3_URL = re.compile(
    r"https?://(?:[^/?#]+\.)?s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?(?::\d+)?(?:[/?#].*)?$",
    re.IGNORECASE,
)
_FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
_EAGER_LIMIT = 1 << 20  # request and response bodies up to this size are read at once
_HTTP_METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS")

_lock = threading.RLock()
_active: list[MockS3] = []  # innermost last
_original_emit: Callable[..., Any] | None = None


# ----------------------------------------------------------------------------- WSGI bridge


def _header_text(value: Any) -> str:
    """A header value as a WSGI server hands it over: its bytes as ISO-8859-1, where botocore
    sends a ``str`` as UTF-8."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    text = str(value)
    return text if text.isascii() else text.encode("utf-8", "surrogateescape").decode("latin-1")


def call_app(
    app: FakeS3, method: str, url: str, headers: Mapping[str, Any], body: Any
) -> tuple[int, list[tuple[str, str]], Iterable[bytes]]:
    """Call ``app`` as a WSGI server would for one HTTP request; (status, headers, body)."""
    scheme, _, rest = url.partition("://")
    slash = rest.find("/")
    netloc, target = (rest, "/") if slash < 0 else (rest[:slash], rest[slash:])
    query_at = target.find("?")
    path, query = (target, "") if query_at < 0 else (target[:query_at], target[query_at + 1 :])
    # botocore's HTTPHeaders is an email Message, whose items() re-parses every value, and its
    # HeadersDict looks every name up again through a key wrapper: read what was set directly.
    pairs = getattr(headers, "_headers", None)
    if not isinstance(pairs, list):
        table = getattr(headers, "_dict", None)
        pairs = list(table.items()) if isinstance(table, dict) else list(headers.items())
    # A name the server refuses (x-amz-meta-a b) is refused here too, not stored; judged as
    # sent, since lower() makes ASCII of some non-ASCII letters (the Kelvin sign is "k").
    names = [str(name) for name, _ in pairs]
    named_badly = not are_field_names(names)
    fields = {
        name.lower(): value if value.__class__ is str and value.isascii() else _header_text(value)
        for name, (_, value) in zip(names, pairs, strict=True)
    }
    fields.setdefault("host", netloc)
    if body is None:
        stream: Any = io.BytesIO(b"")
    elif isinstance(body, (bytes, bytearray, memoryview)):
        stream = io.BytesIO(body)
        fields.setdefault("content-length", str(len(body)))
    elif isinstance(body, str):
        data = body.encode("utf-8")
        stream = io.BytesIO(data)
        fields.setdefault("content-length", str(len(data)))
    else:  # a file-like body (aws-chunked wrappers, open files) or an iterable one
        if not hasattr(body, "read"):  # a generator: requests sends it chunked
            body = _Chunks(body)
        size = fields.get("x-amz-decoded-content-length") or fields.get("content-length", "")
        if (decimal(size) or _EAGER_LIMIT + 1) <= _EAGER_LIMIT:
            stream = io.BytesIO(body.read())  # small: one read, C-speed lines
        else:
            stream = _FileInput(body)  # big: streamed, never held whole
        if "content-length" not in fields:
            fields["transfer-encoding"] = "chunked"
    host, _, port = netloc.rpartition(":") if netloc.count(":") == 1 else (netloc, "", "")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(path, "latin-1"),
        "QUERY_STRING": query,
        "REQUEST_URI": target,
        "SERVER_NAME": host,
        "SERVER_PORT": port or ("443" if scheme == "https" else "80"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": fields.get("content-length", ""),
        "CONTENT_TYPE": fields.get("content-type", ""),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": stream,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "fakes3.headers": fields,
    }
    if named_badly:
        environ["fakes3.bad_framing"] = "a header name that is not a token"
    # The header lines as http.client would send them ("name: value" and CRLF) and the query.
    section = sum(map(len, fields)) + sum(map(len, fields.values())) + 4 * len(fields)
    if section + len(query) > HEADER_SECTION_MAX:
        environ["fakes3.bad_framing"] = "a header section over 8 KB"
        environ["fakes3.header_section"] = section + len(query)
    answer: list[Any] = []

    def start_response(status: str, response_headers: Any, exc_info: Any = None) -> Any:
        answer[:] = [int(status[:3]), response_headers]
        return _no_write

    chunks = app(environ, start_response)
    if "fakes3.fault.reset" in environ:  # a fault rule reset the connection: no answer
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
        raise DropConnection()
    return answer[0], answer[1], chunks


class _Chunks:
    """An iterable body (bytes or str pieces, as ``requests`` takes a generator) read as a
    file."""

    def __init__(self, pieces: Any) -> None:
        self._pieces = iter(pieces)
        self._pending = bytearray()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._pending) < size:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._pending += piece.encode("utf-8") if isinstance(piece, str) else piece
        cut = len(self._pending) if size < 0 else size
        data = bytes(self._pending[:cut])
        del self._pending[:cut]
        return data


class _FileInput:
    """``wsgi.input`` over a body that may only have ``read(n)`` (botocore's
    AwsChunkedWrapper): adds the ``readline`` that aws-chunked decoding uses."""

    def __init__(self, body: Any) -> None:
        self._read: Callable[..., bytes] = body.read
        self._buffer = b""

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            data, self._buffer = self._buffer + self._read(), b""
            return data
        if len(self._buffer) >= size:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
            return data
        data = self._buffer + self._read(size - len(self._buffer))
        self._buffer = b""
        return data

    def readline(self, limit: int | None = -1) -> bytes:
        limit = -1 if limit is None else limit
        while b"\n" not in self._buffer and (limit < 0 or len(self._buffer) < limit):
            chunk = self._read(8192)
            if not chunk:
                break
            self._buffer += chunk
        end = self._buffer.find(b"\n") + 1 or len(self._buffer)
        if 0 <= limit < end:
            end = limit
        line, self._buffer = self._buffer[:end], self._buffer[end:]
        return line


def _no_write(data: bytes) -> None:
    raise RuntimeError("fakes3 never uses the WSGI write() callable")


class _Raw(io.RawIOBase):
    """The response body as botocore reads it from urllib3: ``read(n)`` and ``stream(n)``."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks
        if isinstance(chunks, list):
            self._buffer = b"".join(chunks)
            self._iterator: Iterator[bytes] | None = None
        else:
            self._buffer = b""
            self._iterator = iter(chunks)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts = [self._buffer]
            if self._iterator is not None:
                parts.extend(self._iterator)
                self._finish()
            self._buffer = b""
            return b"".join(parts)
        while len(self._buffer) < size and self._iterator is not None:
            chunk = next(self._iterator, None)
            if chunk is None:
                self._finish()
            else:
                self._buffer += chunk
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def readinto(self, target: Any) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def stream(self, amt: int = 1 << 16, decode_content: bool | None = None) -> Iterator[bytes]:
        while data := self.read(amt):
            yield data

    def _finish(self) -> None:
        self._iterator = None
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
            self._chunks = []

    def close(self) -> None:
        self._iterator = None
        self._finish()
        super().close()


# ----------------------------------------------------------------------------- botocore


def _answer_botocore(request: Any, **kwargs: Any) -> Any:
    from botocore.awsrequest import AWSResponse

    mocked = _active[-1] if _active else None
    if mocked is None:
        return None
    try:
        status, headers, chunks = call_app(
            mocked.app, request.method, request.url, request.headers, request.body
        )
        settled = _settle(chunks, headers)
    except DropConnection as drop:  # a fault rule: what botocore raises for a cut connection
        from botocore.exceptions import ConnectionClosedError

        raise ConnectionClosedError(endpoint_url=request.url) from drop
    if mocked.app.faults.rules and not isinstance(settled, list):
        settled = _cut_as_urllib3(settled)
    return AWSResponse(request.url, status, headers, _Raw(settled))


def _cut_as_urllib3(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """A streamed body a fault cuts short fails as urllib3 fails on a broken connection, so
    botocore raises ``ResponseStreamingError`` from ``read()``."""
    try:
        yield from chunks
    except DropConnection as drop:
        from urllib3.exceptions import ProtocolError

        raise ProtocolError("Connection broken: fakes3 fault", drop) from drop
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _settle(chunks: Iterable[bytes], headers: list[tuple[str, str]]) -> Iterable[bytes]:
    """Read a small streamed body now and release the blob (a caller that never reads the
    body would otherwise keep a file open until garbage collection); stream big ones."""
    if isinstance(chunks, list):
        return chunks
    length = next((value for name, value in headers if name.lower() == "content-length"), "")
    if (decimal(length) or _EAGER_LIMIT + 1) <= _EAGER_LIMIT:
        try:
            return [b"".join(chunks)]
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
    return chunks


def _patched_emit(self: Any, event_name: str, **kwargs: Any) -> Any:
    responses = _original_emit(self, event_name, **kwargs)  # type: ignore[misc]
    # (an async emitter subclass returns a coroutine: not ours to answer)
    if event_name.startswith("before-send.s3.") and _active and isinstance(responses, list):
        if not any(response is not None for _, response in responses):
            responses.append((_answer_botocore, _answer_botocore(**kwargs)))
    return responses


def _install() -> None:
    global _original_emit
    from botocore.hooks import HierarchicalEmitter

    _original_emit = HierarchicalEmitter.emit
    HierarchicalEmitter.emit = _patched_emit


def _uninstall() -> None:
    global _original_emit
    from botocore.hooks import HierarchicalEmitter

    if _original_emit is not None:
        HierarchicalEmitter.emit = _original_emit
        _original_emit = None


# ----------------------------------------------------------------------------- requests


def _start_responses(mocked: MockS3) -> Any:
    """A ``responses`` mock answering S3 URLs from ``mocked``'s app.

    Imported here, not at module level, so ``import fakes3.mock`` does not load requests."""
    import responses

    def callback(request: Any) -> tuple[int, dict[str, str], bytes]:
        status, headers, chunks = call_app(
            mocked.app, request.method, request.url, request.headers, request.body
        )
        raw = _Raw(chunks)
        try:
            body = raw.read()
        finally:
            raw.close()
        return status, dict(headers), body

    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    for method in _HTTP_METHODS:
        mock.add_callback(method, S3_URL, callback=callback)
    mock.add_passthru(re.compile(".*"))
    mock.start()
    return mock


# ----------------------------------------------------------------------------- public API


_shared: list[FakeS3] = []


def _shared_app() -> FakeS3:
    """The app every ``mock_s3()`` without settings shares, so nested blocks (a fixture and
    a decorated test) see the same buckets, as moto's global state does."""
    with _lock:
        if not _shared:
            # Like moto, any credentials; unlike "off", access is still decided (an explicit
            # Deny, a presigned URL's expiry, a POST policy), as for an unknown key on S3.
            # FAKES3_BUCKET_DEFAULTS, FAKES3_CONSISTENCY … run a whole suite another way.
            settings = Settings.from_env(only=BEHAVIOUR_FIELDS, auth="unverified")
            settings.check()
            _shared.append(FakeS3(settings))
        return _shared[0]


class MockS3:
    """An in-process fakes3: a context manager, and a decorator for functions and classes.

    The outermost active block on an app starts it empty (as moto's ``mock_aws`` does);
    state stays readable after the block until the next one starts. ``app``, ``store`` and
    ``journal`` are the same objects the server mode uses.
    """

    def __init__(self, settings: Settings | None = None, *, app: FakeS3 | None = None) -> None:
        if app is None:
            app = _shared_app() if settings is None else FakeS3(settings)
        self.app = app
        self._depth = 0
        self._responses: Any = None
        self._saved_env: dict[str, str | None] = {}

    @property
    def store(self) -> Store:
        return self.app.store

    @property
    def journal(self) -> Journal:
        return self.app.journal

    @property
    def errors(self) -> list[BaseException]:
        """Unexpected exceptions inside fakes3 (each answered 500 InternalError)."""
        return self.app.errors

    def reset(self) -> None:
        """Forget every bucket, object, journal entry and fault rule; strong mode."""
        self.app.reset()

    @property
    def consistency(self) -> Consistency:
        """The app's consistency mode, clock and checker (docs/consistency.md)."""
        return self.app.consistency

    @property
    def faults(self) -> Faults:
        """The app's fault rules (docs/faults.md)."""
        return self.app.faults

    def start(self) -> MockS3:
        """Begin answering S3 requests in this process (fresh state on first start)."""
        with _lock:
            self._depth += 1
            if self._depth > 1:
                return self
            if not any(other.app is self.app for other in _active):
                self.reset()  # the outermost block on this app starts empty, as in moto
                self.app.errors.clear()  # an earlier block's (another test's) are not its own
            if not _active:
                _install()
            _active.append(self)
            self._saved_env = {name: os.environ.get(name) for name in _FAKE_CREDENTIALS}
            os.environ.update(_FAKE_CREDENTIALS)
            self._responses = _start_responses(self)
        return self

    def stop(self) -> None:
        """Stop answering; the last stop of the outermost block restores botocore."""
        with _lock:
            if self._depth == 0:
                raise RuntimeError("mock_s3 was stopped more often than it was started")
            self._depth -= 1
            if self._depth > 0:
                return
            if self._responses is not None:
                self._responses.stop()
                self._responses.reset()
                self._responses = None
            for name, value in self._saved_env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            _active.remove(self)
            if not _active:
                _uninstall()

    def __enter__(self) -> MockS3:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __call__(self, target: T) -> T:
        """Decorate a function (each call runs in a fresh mock) or a class."""
        if isinstance(target, type):
            return _decorate_class(target, self)  # type: ignore[return-value]
        if not callable(target):
            raise TypeError(f"mock_s3 decorates functions and classes, not {target!r}")
        return _decorate_function(target, self)  # type: ignore[return-value]


def _decorate_function(func: Callable[..., Any], mocked: MockS3) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with mocked:
                return await func(*args, **kwargs)

        return run_async

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        with mocked:
            return func(*args, **kwargs)

    return run


def _decorate_class(cls: type, mocked: MockS3) -> type:
    """unittest.TestCase: active from ``setUp`` to the end of cleanups (from ``setUpClass``
    for the whole class if it defines one). Other classes: active around each test, from
    ``setup_method`` to ``teardown_method``."""
    import unittest

    if issubclass(cls, unittest.TestCase):
        if "setUpClass" in cls.__dict__:
            _wrap_setup(cls, "setUpClass", "addClassCleanup", mocked, classmethod_=True)
        else:
            _wrap_setup(cls, "setUp", "addCleanup", mocked, classmethod_=False)
        return cls
    original_setup = cls.__dict__.get("setup_method")
    original_teardown = cls.__dict__.get("teardown_method")

    def setup_method(self: Any, method: Any = None) -> None:
        mocked.start()
        try:
            if original_setup is not None:
                _call_xunit(original_setup, self, method)
            else:
                parent = getattr(super(cls, self), "setup_method", None)
                if parent is not None:
                    parent(method)
        except BaseException:
            mocked.stop()
            raise

    def teardown_method(self: Any, method: Any = None) -> None:
        try:
            if original_teardown is not None:
                _call_xunit(original_teardown, self, method)
            else:
                parent = getattr(super(cls, self), "teardown_method", None)
                if parent is not None:
                    parent(method)
        finally:
            mocked.stop()

    cls.setup_method = setup_method  # type: ignore[attr-defined]
    cls.teardown_method = teardown_method  # type: ignore[attr-defined]
    return cls


def _call_xunit(func: Callable[..., Any], instance: Any, method: Any) -> None:
    """pytest passes ``setup_method`` the test method only if it takes one."""
    if len(inspect.signature(func).parameters) >= 2:
        func(instance, method)
    else:
        func(instance)


def _wrap_setup(cls: type, name: str, cleanup: str, mocked: MockS3, *, classmethod_: bool) -> None:
    original = getattr(cls, name)  # bound to cls for a classmethod, a function otherwise

    def setup(owner: Any) -> None:
        mocked.start()
        getattr(owner, cleanup)(mocked.stop)
        if classmethod_:
            original()
        else:
            original(owner)

    setattr(cls, name, classmethod(setup) if classmethod_ else setup)


def mock_s3(
    func: Callable[..., Any] | type | None = None,
    *,
    settings: Settings | None = None,
    app: FakeS3 | None = None,
) -> Any:
    """In-process fakes3: ``with mock_s3():``, ``@mock_s3``, ``@mock_s3()`` or on a class."""
    mocked = MockS3(settings, app=app)
    if func is None:
        return mocked
    return mocked(func)


mock_aws = mock_s3
"""moto's name for the same thing: ``from fakes3 import mock_aws``."""
