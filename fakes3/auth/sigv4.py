"""AWS Signature Version 4, as S3 checks it: Authorization header, presigned query, chunks.

S3 rebuilds the canonical request from what it received and compares signatures:

* the path is percent-decoded and encoded once more (S3 does not double-encode, unlike other
  services): every byte but ``A-Za-z0-9-_.~/`` becomes ``%XX``;
* query parameters are decoded, encoded the same way (``/`` too), sorted by name then value;
  a parameter without ``=`` counts as an empty value; the presigned signature is left out;
* each signed header is ``name:value`` with the value trimmed and inner whitespace folded;
* the payload hash is ``x-amz-content-sha256`` as sent (a hex SHA-256, ``UNSIGNED-PAYLOAD``
  or a ``STREAMING-*`` mode); presigned URLs use ``UNSIGNED-PAYLOAD``.

A mismatch raises ``SignatureDoesNotMatch`` carrying the string to sign and the canonical
request (text and hex bytes), so the user can diff them with what their client signed.
Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote, unquote_plus, unquote_to_bytes

from fakes3.errors import (
    AccessDenied,
    AuthorizationHeaderMalformed,
    AuthorizationQueryParametersError,
    InvalidRequest,
    RequestTimeTooSkewed,
    S3Error,
    SignatureDoesNotMatch,
)
from fakes3.protocol.dates import parse_http_date
from fakes3.protocol.hashes import Hash, small_sha256
from fakes3.protocol.numbers import MAX_LONG, signed_decimal

ALGORITHM = "AWS4-HMAC-SHA256"
ECDSA_ALGORITHM = "AWS4-ECDSA-P256-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MAX_SKEW_SECONDS = 15 * 60
MAX_EXPIRES = 7 * 24 * 3600
SIGNATURE_PARAM = "X-Amz-Signature"
_BLOCK = 64  # SHA-256's block size, in bytes: HMAC pads its key to it
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9\-._~/]*")
_CREDENTIAL_FORM = '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request"'


@dataclass(frozen=True)
class Credential:
    """``AKID/20130524/us-east-1/s3/aws4_request``, split."""

    access_key: str
    date: str
    region: str
    service: str
    terminator: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/{self.terminator}"


@dataclass(slots=True)  # one per request: plain slots are the cheapest to build
class SignedRequest:
    """A request's SigV4 claims: who signed, when, which headers, and the signature."""

    credential: Credential
    amz_date: str  # yyyyMMdd'T'HHmmss'Z'
    signed_headers: tuple[str, ...]
    signature: str
    payload_hash: str
    presigned: bool
    expires: int | None = None  # X-Amz-Expires, presigned only


# -- encoding ----------------------------------------------------------------------------------


def uri_encode(value: str | bytes, safe: str = "") -> str:
    """Percent-encode every byte except the unreserved ones (and ``safe``), upper-case hex."""
    return quote(value, safe="~" + safe)


def canonical_uri(raw_path: str) -> str:
    """The path as S3 canonicalises it: decoded, then encoded once (``/`` kept)."""
    if _PLAIN_PATH.fullmatch(raw_path):
        return raw_path  # nothing to decode or encode: the common case, kept cheap
    return uri_encode(unquote_to_bytes(raw_path or "/"), "/") or "/"


def canonical_query(query_string: str, exclude: str | None = None) -> str:
    """Decoded and re-encoded ``name=value`` pairs, sorted; ``exclude`` (the signature) dropped."""
    if not query_string:
        return ""
    pairs = []
    for part in query_string.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        name = unquote_plus(name)
        if name == exclude:
            continue
        pairs.append((uri_encode(name), uri_encode(unquote_plus(value))))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


TEXT_ENCODING = "utf-8"
TEXT_ERRORS = "surrogateescape"
"""How signed text becomes the bytes hashed: UTF-8, and bytes that were no UTF-8 as sent."""


def header_text(value: str) -> str:
    """A header value as the client signed it. The HTTP server hands its bytes over as
    ISO-8859-1 (PEP 3333); SDKs sign the UTF-8 text those bytes spell (a ``filename=`` in
    Chinese), so it is decoded back; bytes that are not UTF-8 ride along as surrogates and
    are hashed as they came. A value already beyond ISO-8859-1 is text as it is."""
    if value.isascii():
        return value
    try:
        sent = value.encode("latin-1")
    except UnicodeEncodeError:
        return value
    return sent.decode(TEXT_ENCODING, TEXT_ERRORS)


def fold(value: str) -> str:
    """A header value as signed: trimmed, runs of whitespace folded to one space."""
    return " ".join(header_text(value).split())


def canonical_request(
    method: str,
    raw_path: str,
    query_string: str,
    headers: Mapping[str, str],
    signed: SignedRequest,
) -> str:
    header_lines = "".join(
        f"{name}:{fold(headers.get(name, ''))}\n" for name in signed.signed_headers
    )
    return "\n".join(
        (
            method,
            canonical_uri(raw_path),
            canonical_query(query_string, SIGNATURE_PARAM if signed.presigned else None),
            header_lines,
            ";".join(signed.signed_headers),
            signed.payload_hash,
        )
    )


def string_to_sign(amz_date: str, scope: str, canonical: str) -> str:
    digest = small_sha256(canonical.encode(TEXT_ENCODING, TEXT_ERRORS)).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


@functools.lru_cache(maxsize=1024)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """``kSigning``: four chained HMACs, cached since they change once a day per scope."""
    key = hmac.digest(("AWS4" + secret).encode("utf-8"), date.encode("utf-8"), "sha256")
    for part in (region, service, "aws4_request"):
        key = hmac.digest(key, part.encode("utf-8"), "sha256")
    return key


@functools.lru_cache(maxsize=1024)
def _keyed(key: bytes) -> tuple[Hash, Hash]:
    """HMAC-SHA256 (RFC 2104) keyed once: the inner and outer hashes with the padded key
    absorbed, to copy. A signature then costs ~1.8 µs, against ~4.8 for ``hmac.digest``,
    which looks the digest up by name and absorbs the key again on every call."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    padded = key.ljust(_BLOCK, b"\0")
    # CPython's own SHA-256: its copies are cheaper than OpenSSL's (fakes3/protocol/hashes.py)
    inner = small_sha256(bytes(byte ^ 0x36 for byte in padded))
    outer = small_sha256(bytes(byte ^ 0x5C for byte in padded))
    return inner, outer


def sign(key: bytes, text: str) -> str:
    inner_keyed, outer_keyed = _keyed(key)
    inner = inner_keyed.copy()
    inner.update(text.encode("utf-8"))
    outer = outer_keyed.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def same_signature(expected: str, provided: str) -> bool:
    """A constant-time comparison that any text the client sent can take part in:
    ``hmac.compare_digest`` raises TypeError on non-ASCII ``str``, so both go in as UTF-8."""
    return hmac.compare_digest(
        expected.encode("ascii"), provided.encode("utf-8", errors="surrogateescape")
    )


def spaced_hex(text: str) -> str:
    """``"AB"`` -> ``"41 42"``: the ``*Bytes`` fields of S3's SignatureDoesNotMatch."""
    return " ".join(f"{byte:02x}" for byte in text.encode(TEXT_ENCODING, TEXT_ERRORS))


# -- parsing -----------------------------------------------------------------------------------


def _header_malformed(detail: str) -> AuthorizationHeaderMalformed:
    return AuthorizationHeaderMalformed(f"The authorization header is malformed; {detail}")


@functools.lru_cache(maxsize=256)  # the same few credentials sign every request
def parse_credential(text: str, query: bool) -> Credential:
    parts = text.split("/")
    if len(parts) != 5 or not all(parts[:2] + parts[3:]):
        if query:
            raise AuthorizationQueryParametersError(
                f"Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
                f"expecting {_CREDENTIAL_FORM}."
            )
        raise _header_malformed(f"the Credential is mal-formed; expecting {_CREDENTIAL_FORM}.")
    credential = Credential(*parts)
    problem = None
    # An empty region (libcloud's MinIO driver signs one) in AWS's words: the AWS CLI's output
    # with AWS_REGION set empty, quoted in siderolabs/omni#98. fakes3 answers on one port what
    # S3 splits over two endpoints: the general one ("s3") and the S3 Express control
    # endpoint ("s3express", ListDirectoryBuckets).
    if not credential.region:
        problem = "a non-empty region must be provided in the credential."
    elif credential.service not in ("s3", "s3express"):
        problem = f'incorrect service "{credential.service}". This endpoint belongs to "s3".'
    elif credential.terminator != "aws4_request":
        problem = (
            f'incorrect terminal "{credential.terminator}". This endpoint uses "aws4_request".'
        )
    if problem is not None:
        if query:
            raise AuthorizationQueryParametersError(
                f"Error parsing the X-Amz-Credential parameter; {problem}"
            )
        raise _header_malformed(problem)
    return credential


_COMPONENTS = frozenset({"Credential", "SignedHeaders", "Signature"})


@functools.lru_cache(maxsize=256)  # a client signs the same way, but for the signature
def _components(value: str) -> tuple[Credential, tuple[str, ...], str]:
    """Credential, signed headers and signature of an Authorization header's value."""
    _, _, rest = value.partition(" ")
    fields: dict[str, str] = {}
    for component in rest.split(","):
        name, equals, field_value = component.strip().partition("=")
        # each of the three once, nothing else (two Authorization headers arrive joined)
        if not equals or name not in _COMPONENTS or name in fields:
            raise _header_malformed(
                f'the authorization component "{component.strip()}" is malformed.'
            )
        fields[name] = field_value.strip()
    missing = [name for name in ("Credential", "SignedHeaders", "Signature") if name not in fields]
    if missing:
        raise _header_malformed(
            "the authorization header requires three components: Credential, SignedHeaders, "
            "and Signature."
        )
    credential = parse_credential(fields["Credential"], query=False)
    return credential, tuple(fields["SignedHeaders"].split(";")), fields["Signature"]


def parse_authorization(value: str, headers: Mapping[str, str]) -> SignedRequest:
    """An ``AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`` header."""
    head, marker, signature = value.rpartition("Signature=")
    if marker and len(signature) == 64 and "," not in signature:
        # Parse (and cache) the part that repeats from request to request.
        credential, signed_headers, _ = _components(head + "Signature=0")
    else:
        credential, signed_headers, signature = _components(value)
    payload_hash = headers.get("x-amz-content-sha256")
    if payload_hash is None:
        raise InvalidRequest("Missing required header for this request: x-amz-content-sha256")
    amz_date = headers.get("x-amz-date")
    if amz_date is None:
        amz_date = _from_http_date(headers.get("date"))
    return SignedRequest(
        credential=credential,
        amz_date=amz_date,
        signed_headers=signed_headers,
        signature=signature,
        payload_hash=payload_hash,
        presigned=False,
    )


def _from_http_date(value: str | None) -> str:
    """A ``Date`` header in SigV4's basic ISO form; '' when absent or unreadable."""
    when = parse_http_date(value)
    if when is None:
        return ""
    return f"{when.year:04d}{when:%m%dT%H%M%SZ}"


_QUERY_REQUIRED = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Expires",
)


def parse_presigned(query: Mapping[str, str]) -> SignedRequest:
    """The ``X-Amz-*`` parameters of a presigned URL."""
    if any(name not in query for name in _QUERY_REQUIRED):
        raise AuthorizationQueryParametersError(
            "Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
            "X-Amz-Expires parameters."
        )
    algorithm = query["X-Amz-Algorithm"]
    if algorithm not in (ALGORITHM, ECDSA_ALGORITHM):
        raise AuthorizationQueryParametersError(
            'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256 and AWS4-ECDSA-P256-SHA256"'
        )
    amz_date = query["X-Amz-Date"]
    if parse_amz_date(amz_date) is None:
        raise AuthorizationQueryParametersError(
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
        )
    text = query["X-Amz-Expires"]
    expires = signed_decimal(text)
    if expires is None or abs(expires) > MAX_LONG:  # S3 reads a 64-bit number
        raise AuthorizationQueryParametersError("X-Amz-Expires should be a number")
    if expires < 0:
        raise AuthorizationQueryParametersError("X-Amz-Expires must be non-negative")
    if expires > MAX_EXPIRES:
        raise AuthorizationQueryParametersError(
            "X-Amz-Expires must be less than a week (in seconds); that is, the given "
            f"X-Amz-Expires must be less than {MAX_EXPIRES} seconds"
        )
    return SignedRequest(
        credential=parse_credential(query["X-Amz-Credential"], query=True),
        amz_date=amz_date,
        signed_headers=tuple(query["X-Amz-SignedHeaders"].split(";")),
        signature=query["X-Amz-Signature"],
        payload_hash=query.get("X-Amz-Content-Sha256", UNSIGNED_PAYLOAD),
        presigned=True,
        expires=expires,
    )


def parse_amz_date(text: str) -> datetime | None:
    """``20130524T000000Z`` -> an aware datetime, None if it is not in that form."""
    if len(text) != 16 or text[8] != "T" or text[15] != "Z":
        return None
    digits = text[:8] + text[9:15]
    if not digits.isdigit():
        return None
    try:
        return datetime(
            int(digits[0:4]),
            int(digits[4:6]),
            int(digits[6:8]),
            int(digits[8:10]),
            int(digits[10:12]),
            int(digits[12:14]),
            tzinfo=timezone.utc,
        )
    except ValueError:
        return None


def iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- checks ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)  # requests in the same second share their date
def _epoch(amz_date: str) -> float | None:
    when = parse_amz_date(amz_date)
    return None if when is None else when.timestamp()


def check_time(signed: SignedRequest, now: float, wall: float | None = None) -> None:
    """Header auth: a readable date within 15 minutes; presigned: not before, not after.

    Skew is measured against ``wall`` (the wall clock: clients sign with the real time, so a
    test stepping the store's clock days ahead keeps signing), expiry against ``now`` (the
    store's clock, so a test steps past a presigned URL's expiry).
    """
    request_time = _epoch(signed.amz_date)
    if request_time is None:
        raise AccessDenied("AWS authentication requires a valid Date or x-amz-date header")
    wall = now if wall is None else wall
    delta = request_time - wall
    if signed.presigned:
        if delta > MAX_SKEW_SECONDS:
            raise AccessDenied("Request is not valid yet")
        expiry = request_time + (signed.expires or 0)
        if now > expiry:
            server = datetime.fromtimestamp(int(now), timezone.utc)
            raise AccessDenied(
                "Request has expired",
                **{"X-Amz-Expires": signed.expires},
                Expires=iso(datetime.fromtimestamp(expiry, timezone.utc)),
                ServerTime=iso(server),
            )
        return
    if abs(delta) > MAX_SKEW_SECONDS:
        raise RequestTimeTooSkewed(
            RequestTime=signed.amz_date,
            ServerTime=iso(datetime.fromtimestamp(int(wall), timezone.utc)),
            MaxAllowedSkewMilliseconds=MAX_SKEW_SECONDS * 1000,
        )


def check_scope(
    signed: SignedRequest, expected_region: str | None, *, us_east_1_too: bool = False
) -> None:
    """The credential's date must be the request's; its region the bucket's, if it has one
    (or us-east-1 when ``us_east_1_too``: GetBucketLocation, which clients sign for
    us-east-1 to learn a bucket's region and S3's global endpoint answers for any bucket)."""
    credential = signed.credential
    query = signed.presigned
    if credential.date != signed.amz_date[:8]:
        problem = "Invalid credential date. Date is not the same as X-Amz-Date."
        if query:
            raise AuthorizationQueryParametersError(
                f"Error parsing the X-Amz-Credential parameter; {problem}"
            )
        raise _header_malformed(problem)
    if us_east_1_too and credential.region == "us-east-1":
        return
    if expected_region is not None and credential.region != expected_region:
        problem = f"the region '{credential.region}' is wrong; expecting '{expected_region}'"
        error: S3Error
        if query:
            error = AuthorizationQueryParametersError(
                f"Error parsing the X-Amz-Credential parameter; {problem}", Region=expected_region
            )
        else:
            error = _header_malformed(problem)
            error.fields["Region"] = expected_region
        # The header lets SDKs retry a HEAD (which has no body) in the right region, as with S3.
        raise error.with_headers(**{"x-amz-bucket-region": expected_region})


def unsigned_amz_headers(signed: SignedRequest, headers: Mapping[str, str]) -> list[str]:
    """``host`` and ``x-amz-*`` headers the signature does not cover (S3 refuses them); a
    presigned URL's ``x-amz-content-sha256`` may go unsigned (AWS: LocalStack's validated
    test_s3_ignored_special_headers)."""
    covered = signed.signed_headers
    unsigned = [n for n in headers if (n[:6] == "x-amz-" or n == "host") and n not in covered]
    if signed.presigned and "x-amz-content-sha256" in unsigned:
        unsigned.remove("x-amz-content-sha256")
    return sorted(unsigned)


def verify(
    signed: SignedRequest,
    secret: str,
    method: str,
    raw_path: str,
    query_string: str,
    headers: Mapping[str, str],
) -> bytes:
    """Check the signature; returns the signing key (chunk signatures chain from it)."""
    credential = signed.credential
    key = signing_key(secret, credential.date, credential.region, credential.service)
    canonical = canonical_request(method, raw_path, query_string, headers, signed)
    to_sign = string_to_sign(signed.amz_date, credential.scope, canonical)
    expected = sign(key, to_sign)
    if not same_signature(expected, signed.signature):
        raise SignatureDoesNotMatch(
            AWSAccessKeyId=credential.access_key,
            StringToSign=to_sign,
            SignatureProvided=signed.signature,
            StringToSignBytes=spaced_hex(to_sign),
            CanonicalRequest=canonical,
            CanonicalRequestBytes=spaced_hex(canonical),
        )
    return key


class ChunkSigner:
    """Verifies ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`` chunk and trailer signatures.

    Each chunk's string to sign names the previous signature (the request's own for the first
    chunk), so chunks cannot be dropped, reordered or replaced.
    """

    def __init__(
        self, key: bytes, signed: SignedRequest, canonical: Callable[[], str] | None = None
    ) -> None:
        self._key = key
        self._prefix = f"{signed.amz_date}\n{signed.credential.scope}\n"
        self._previous = signed.signature
        self._access_key = signed.credential.access_key
        self._canonical = canonical  # the request's canonical request, made for an error only

    def on_chunk(self, digest: bytes, signature: str | None) -> None:
        to_sign = (
            f"{ALGORITHM}-PAYLOAD\n{self._prefix}{self._previous}\n{EMPTY_SHA256}\n{digest.hex()}"
        )
        self._check(to_sign, signature)

    def on_trailer(self, trailers: Mapping[str, str], signature: str | None) -> None:
        text = "".join(f"{name}:{value}\n" for name, value in trailers.items())
        digest = small_sha256(text.encode("utf-8")).hexdigest()
        self._check(f"{ALGORITHM}-TRAILER\n{self._prefix}{self._previous}\n{digest}", signature)

    def _check(self, to_sign: str, signature: str | None) -> None:
        expected = sign(self._key, to_sign)
        if signature is None or not same_signature(expected, signature):
            # AWS names the request's canonical request here too (Swift's s3api tests)
            canonical = self._canonical() if self._canonical is not None else None
            raise SignatureDoesNotMatch(
                AWSAccessKeyId=self._access_key,
                StringToSign=to_sign,
                SignatureProvided=signature or "",
                StringToSignBytes=spaced_hex(to_sign),
                CanonicalRequest=canonical,
                CanonicalRequestBytes=None if canonical is None else spaced_hex(canonical),
            )
        self._previous = expected
