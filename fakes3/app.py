"""FakeS3: the WSGI application. Addressing, routing, errors and request ids live here.

``__call__`` -> ``handle`` -> route -> parse -> operation -> serialize -> response. Every error
from any layer is an ``S3Error`` rendered once, in ``_error_response``.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import IO, Any

from fakes3 import cors, snapshots, website
from fakes3.access_log_file import AccessLogFile
from fakes3.access_logs import AccessLogs
from fakes3.auth.authenticate import Identity
from fakes3.auth.gate import Gate
from fakes3.auth.query_headers import presigned_kind, with_query_headers
from fakes3.console import CONSOLE_PATH, Console
from fakes3.control import CONTROL_PREFIXES, Control
from fakes3.errors import (
    PARSE_FAILED,
    BadRequest,
    InternalError,
    KeyClimbsOut,
    MethodNotAllowed,
    NotImplementedByFakeS3,
    RequestHeaderSectionTooLarge,
    S3Error,
)
from fakes3.faults import Faults, shape
from fakes3.hooks import Exchange, response_hooks
from fakes3.journal import Journal, record, system_entry
from fakes3.metrics import Metrics
from fakes3.notifications import Notifications
from fakes3.operations import HANDLERS, Context, request_rules
from fakes3.protocol.addressing import Addressed, climbs_out, raw_path_of
from fakes3.protocol.body import RequestBody
from fakes3.protocol.dates import http_date
from fakes3.protocol.field_names import HEADER_SECTION_MAX
from fakes3.protocol.numbers import decimal
from fakes3.protocol.parsing import WireRequest, default_parser
from fakes3.protocol.request_ids import new_request_ids
from fakes3.protocol.routing import BUCKET, OBJECT, SERVICE, default_router, parse_query
from fakes3.protocol.serializing import WireResponse, default_serializer
from fakes3.protocol.xmlbody import escape
from fakes3.realism import Realism
from fakes3.settings import Settings
from fakes3.store import Store, open_store
from fakes3.store.consistency_control import HEADER, Consistency
from fakes3.store.lifecycle import Lifecycle

log = logging.getLogger("fakes3")

StartResponse = Callable[..., Any]
_REASONS = {status.value: status.phrase for status in HTTPStatus}


def _status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Unknown')}"


def _headers_of(environ: dict[str, Any]) -> dict[str, str]:
    """Lower-cased request headers; the server's own map if it kept the names as sent."""
    raw: dict[str, str] | None = environ.get("fakes3.headers")
    if raw is not None:
        return raw
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    if environ.get("CONTENT_LENGTH"):
        headers["content-length"] = environ["CONTENT_LENGTH"]
    return headers


def _content_length(text: str | None, headers: dict[str, str]) -> int | None:
    """The body's length: None for a chunked transfer, 0 when no body was announced."""
    if text:
        length = decimal(text)
        if length is None:
            raise BadRequest(PARSE_FAILED)
        return length
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return None
    return 0


def _refusal_of_method(error: S3Error, method: str) -> None:
    """A method refused names the method the request used, and a delete marker the one it
    allows (``Allow: DELETE``: LocalStack's AWS-validated test_delete_object_versioned)."""
    error.fields["Method"] = method
    if error.fields.get("ResourceType") == "DeleteMarker":
        error.headers["Allow"] = "DELETE"


def _header_safe(value: str) -> str:
    """Header values travel as ISO-8859-1 without line breaks; others go as UTF-8 bytes."""
    if value.isascii() and value.isprintable():
        return value
    value = value.replace("\r", " ").replace("\n", " ")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        value = value.encode("utf-8").decode("latin-1")
    return value


class _Date:
    """The ``Date`` header, formatted at most once a second."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def __call__(self) -> str:
        now = int(time.time())
        if now != self._second:
            self._second = now
            self._text = http_date(now)
        return self._text


# Object listings whose answers name the bucket's region, as HeadBucket's do.
_LISTINGS = frozenset({"ListObjects", "ListObjectsV2"})


class FakeS3:
    """The fakes3 WSGI app over one store. ``FakeS3(Settings(data_dir=...))`` persists."""

    def __init__(self, settings: Settings | None = None, store: Store | None = None) -> None:
        self.settings = settings or Settings()
        self.store = store or open_store(self.settings.data_dir)
        self.router = default_router()
        self.parser = default_parser()
        self.serializer = default_serializer()
        self.errors: list[BaseException] = []  # unexpected exceptions, for test harnesses
        self.log_errors = True  # and logged (a scratch app's are its caller's to report)
        self._date = _Date()
        self.gate = Gate(self.settings, self.store)  # accounts and signatures (docs/auth.md)
        self.journal = Journal(self.settings.journal_size)
        # Realism controls (docs/consistency.md, docs/faults.md)
        self.consistency = Consistency(self.store, self.settings.consistency, self.settings.seed)
        self.faults = Faults(self.settings.seed)
        # Server access logs (docs/logging.md): buffered records, ``flush()``
        self.access_logs = AccessLogs(
            self.store, self.gate.accounts, self.settings.access_log_interval
        )
        # Lifecycle rules on the store's clock (docs/lifecycle.md); actions go to the journal
        self.lifecycle = Lifecycle(self.store, self.settings.lifecycle_day)
        self.lifecycle.listeners.append(lambda done: self.journal.append(system_entry(done)))
        self.lifecycle.listeners.append(
            lambda done: self.access_logs.system(
                done.bucket, done.operation, done.key, done.version_id, self.store.clock.time()
            )
        )
        # Event notifications (docs/notifications.md): captured, and POSTed to webhooks
        self.notifications = Notifications(self.store, self.settings)
        self.lifecycle.listeners.append(self.notifications.lifecycle_done)
        realism = Realism(
            self.consistency, self.faults, self.access_logs, self.lifecycle, self.notifications
        )
        self.control = Control(self.reset, self.journal, realism)
        self.metrics = self.control.metrics = Metrics(self)  # /_fakes3/metrics, health counts
        # --access-log FILE: every S3 request in S3's access log format (or JSON lines)
        self.access_log_file = (
            AccessLogFile(
                self.settings.access_log,
                self.settings.access_log_format,
                self.store,
                self.gate.accounts,
            )
            if self.settings.access_log
            else None
        )
        self.control.console = Console(self)  # /_fakes3/console/ (docs/console.md)
        # CORS… (fakes3/hooks.py), then this app's access logs and event notifications
        self.response_hooks = [
            *response_hooks(),
            self.access_logs.response_hook,
            self.notifications.response_hook,
        ]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id, host_id = new_request_ids()
        method = environ["REQUEST_METHOD"].upper()
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        raw_path = raw_path_of(raw_uri) if raw_uri else environ.get("PATH_INFO", "/")
        headers = _headers_of(environ)
        body: RequestBody | None = None
        exchange: Exchange | None = None
        error_code: str | None = None
        query = environ.get("QUERY_STRING", "")
        routed = "fakes3.bad_framing" in environ  # a malformed request is an S3 request too
        try:
            if "fakes3.bad_framing" in environ:  # fakes3/server.py: RFC 9112 says 400
                if "fakes3.header_section" in environ:  # over S3's 8 KB
                    raise RequestHeaderSectionTooLarge(MaxSizeAllowed=HEADER_SECTION_MAX)
                if "fakes3.unknown_coding" in environ:  # gzip…: RFC 9112 and S3 say 501
                    raise NotImplementedByFakeS3(Header="Transfer-Encoding")
                raise BadRequest(PARSE_FAILED)
            length = _content_length(environ.get("CONTENT_LENGTH"), headers)
            site = website.website_bucket(
                headers.get("host", ""), self.settings.base_domain, raw_path
            )
            if site is not None:  # before the control paths: /_fakes3/website/ is the site's
                response = website.serve(
                    self.store, method, site, raw_path, headers, request_id, host_id
                )
            elif raw_path == snapshots.PATH:  # streamed both ways, so not through Control
                reader = (
                    None
                    if length is None
                    else snapshots.LimitedReader(environ["wsgi.input"], length)
                )
                response = snapshots.endpoint(self, method, reader)
            elif raw_path.startswith(CONTROL_PREFIXES) and self.control.claims(
                method, raw_path, query
            ):
                data = environ["wsgi.input"].read(length) if length else b""
                response = self.control.handle(method, raw_path, query, data)
            else:
                routed = True  # an S3 request (for the access log file)
                presigned = presigned_kind(query)  # its x-amz-* parameters act as headers
                if presigned == "v2":  # signed as headers
                    headers = with_query_headers(headers, query, "v2")
                addressed = Addressed(headers.get("host", ""), raw_path, self.settings.base_domain)
                identity = self.gate.authenticate(environ, method, raw_path, headers, addressed)
                if presigned == "v4":  # signed as query parameters
                    headers = with_query_headers(headers, query)
                if self.access_logs.due is not None:  # access logs waiting (docs/logging.md)
                    self.access_logs.arrived()
                body = RequestBody(
                    environ["wsgi.input"],
                    headers,
                    length,
                    identity.chunk_signer,
                    claimed_hash=presigned is not None
                    or headers.get("authorization", "").startswith("AWS "),
                )
                exchange = self._exchange(environ, method, addressed, headers, body, length)
                exchange.request_id, exchange.host_id = request_id, host_id
                exchange.started, exchange.account = started, identity.account
                response = self._dispatch(exchange, identity)
        except S3Error as error:
            error_code = error.code
            if isinstance(error, MethodNotAllowed):
                _refusal_of_method(error, method)
            response = self._error_response(error, request_id, host_id)
        except Exception as exc:  # noqa: BLE001 - any bug must still answer as S3 would
            self.errors.append(exc)
            if self.log_errors:
                log.error("unhandled error in fakes3\n%s", traceback.format_exc())
            error_code = InternalError.code
            response = self._error_response(InternalError(), request_id, host_id)
        if exchange is not None and exchange.request.bucket is not None:
            exchange.error_code = error_code
            for hook in self.response_hooks:
                response = hook(exchange, response)
        if error_code is not None:
            environ["fakes3.error_code"] = error_code  # the human log line (fakes3/server.py)
        if self.access_log_file is not None and routed:
            if exchange is not None:
                self.access_log_file.write(exchange, response, error_code)
            else:  # refused before routing: a bad signature, a malformed request
                self.access_log_file.refused(
                    environ,
                    raw_path,
                    headers,
                    response.status,
                    error_code,
                    (request_id, host_id),
                    started,
                    self.settings.base_domain,
                )
        if self.faults.rules and "fakes3.fault.cut" in environ:
            response = shape(response, environ)
        if body is not None and not body.drain():
            response.headers.append(("Connection", "close"))
        sent = self._respond(response, method, request_id, host_id, start_response)
        if raw_path.startswith(CONSOLE_PATH):  # an observer: its polls must not evict entries
            return sent
        return record(
            self.journal,
            environ,
            raw_path,
            headers,
            response,
            error_code,
            started,
            sent,
            self.metrics.observe,
        )

    def _respond(
        self,
        response: WireResponse,
        method: str,
        request_id: str,
        host_id: str,
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        """Add the headers every S3 response has, then hand status, headers and body over."""
        headers_out = response.headers
        joined = "".join([value for _, value in headers_out])  # one check for the usual case
        if joined.isascii() and joined.isprintable():
            headers_out = headers_out.copy()
        else:
            headers_out = [(name, _header_safe(value)) for name, value in headers_out]
        headers_out.append(("x-amz-request-id", request_id))
        headers_out.append(("x-amz-id-2", host_id))
        headers_out.append(("Date", self._date()))
        headers_out.append(("Server", "AmazonS3"))
        payload = response.body
        if isinstance(payload, bytes):
            sized = any(name.lower() == "content-length" for name, _ in headers_out)
            if not sized and response.status not in (204, 304):  # RFC 9110: no length there
                headers_out.append(("Content-Length", str(len(payload))))
            if method == "HEAD":
                payload = b""
            start_response(_status_line(response.status), headers_out)
            return [payload] if payload else []
        start_response(_status_line(response.status), headers_out)
        if method == "HEAD":
            if getattr(payload, "drops_at_once", False):  # a reset fault (fakes3/faults.py)
                return payload
            close = getattr(payload, "close", None)
            if close is not None:
                close()
            return []
        return payload

    def _exchange(
        self,
        environ: dict[str, Any],
        method: str,
        addressed: Addressed,
        headers: dict[str, str],
        body: RequestBody,
        length: int | None,
    ) -> Exchange:
        """Addressing: the bucket and key a request names, as the layers below see it."""
        bucket, key = addressed.names()
        environ["fakes3.bucket"], environ["fakes3.key"] = bucket, key
        if key is not None and climbs_out(key):
            raise KeyClimbsOut()
        query = parse_query(environ.get("QUERY_STRING", ""))
        request = WireRequest(method, bucket, key, query, headers, body, length, environ)  # type: ignore[arg-type]
        return Exchange(request, self.store)

    def _dispatch(self, exchange: Exchange, identity: Identity) -> WireResponse:
        request = exchange.request
        method, bucket, key, headers = request.method, request.bucket, request.key, request.headers
        environ = request.environ
        target = SERVICE if bucket is None else BUCKET if key is None else OBJECT
        route = self.router.match(method, target, request.query, headers)
        if route is None:
            form = self.gate.form_upload(
                environ, method, bucket, key, headers, request.body, identity
            )
            if form is not None:
                return form
            if method == "OPTIONS":
                return cors.preflight(self.store, target, bucket, key, headers)
            raise MethodNotAllowed(Method=method, ResourceType=target.upper())
        operation = exchange.operation = route.operation
        environ["fakes3.operation"] = operation
        if self.faults.rules:
            dropped = self.faults.before(environ, method, operation, bucket, key)
            if dropped is not None:
                return dropped
        per_key = self.gate.authorize(identity, operation, bucket, key, headers, environ)
        handler = HANDLERS.get(operation)
        if handler is None:
            if bucket is not None:  # S3 names a missing bucket before an unknown feature,
                self.store.get_bucket(bucket)  # and a missing key to select from (moto's
                if operation == "SelectObjectContent" and key is not None:  # aws_verified
                    self.store.head_object(bucket, key)  # test_select_unknown_key)
            raise NotImplementedByFakeS3(f"fakes3 does not implement {operation} yet.")
        if operation == "CompleteMultipartUpload":
            request.body.ignore_checksum_headers()  # type: ignore[attr-defined]
        params = self.parser.parse(operation, request)
        context = Context(self.store, self.settings, request, identity.account, self.gate.accounts)
        if per_key is not None:
            context.may_delete = per_key
        request_rules.check(operation, context, params)  # headers S3 honours, fakes3 cannot
        if self.consistency.active or HEADER in headers:
            with self.consistency.request(operation, headers):
                output = handler(context, params)
        else:
            output = handler(context, params)
        response = self.serializer.serialize(operation, output)
        if operation == "HeadBucket":
            # S3 labels HeadBucket's empty answer XML (moto's AWS-verified
            # test_header_content_type); the model has no member for it.
            response.headers.append(("Content-Type", "application/xml"))
        elif operation in _LISTINGS and bucket is not None:
            # S3 names the bucket's region on object listings too (LocalStack's AWS-validated
            # test_region_header_exists); the model has no member for it there.
            region = self.store.get_bucket(bucket).region
            response.headers.append(("x-amz-bucket-region", region))
        return response

    def _error_response(self, error: S3Error, request_id: str, host_id: str) -> WireResponse:
        """S3's error document: code, message, the error's own fields, the request's ids; no
        ``Resource`` (real S3 answers carry none: LocalStack's AWS-recorded errors, captured
        NoSuchKey answers)."""
        headers = list(error.headers.items())
        if error.members:  # an object's state, sent as GetObject sends it
            headers.extend(self.serializer.header_members("GetObject", error.members))
        if error.status == 304 or error.bodyless:
            return WireResponse(error.status, headers, b"")
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error>',
            f"<Code>{error.code}</Code><Message>{escape(error.text)}</Message>",
        ]
        parts.extend(f"<{name}>{escape(value)}</{name}>" for name, value in error.fields.items())
        parts.append(f"<RequestId>{request_id}</RequestId><HostId>{host_id}</HostId></Error>")
        headers.append(("Content-Type", "application/xml"))
        # backslashreplace: a lone surrogate a client smuggled in (a JSON "\udc00" echoed
        # in a message) has no UTF-8 form.
        document = "".join(parts).encode("utf-8", "backslashreplace")
        return WireResponse(error.status, headers, document)

    def snapshot(self, fileobj: IO[bytes]) -> None:
        """Write the whole state (buckets, configurations, every object version, uploads in
        progress, the clock, the consistency mode) to ``fileobj`` as a tar (docs/snapshots.md)."""
        snapshots.dump(self, fileobj)

    def restore(self, fileobj: IO[bytes]) -> None:
        """Replace the whole state with a ``snapshot()`` archive read from ``fileobj``."""
        snapshots.load(self, fileobj)

    def reset(self) -> None:
        """Forget every bucket, object, journal entry and fault rule; back to the configured
        consistency mode and seed, everything settled, the wall clock."""
        self.consistency.reset(self.settings.seed)
        self.faults.clear(self.settings.seed)
        self.store.reset()
        self.journal.clear()
        self.access_logs.reset()
        self.notifications.reset()
        self.metrics.reset()

    def close(self) -> None:
        """Stop the background threads this app started (lifecycle passes, webhooks)."""
        self.lifecycle.stop()
        self.notifications.close()


__all__ = ["FakeS3"]
