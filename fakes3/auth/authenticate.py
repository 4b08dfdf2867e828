"""Who is asking: one request's signature checked under the server's auth mode.

Modes (``Settings.auth``):

* ``off``: nothing is checked; every request acts as the default account.
* ``lenient`` (default): a signature made with a known access key is verified in full (time,
  scope, signature, chunk signatures); an unknown key or no signature at all acts as the
  default account; a presigned URL's expiry is enforced whoever signed it.
* ``unverified``: as ``lenient`` gives an unknown key, for every key: no signature is
  checked and every signed request acts as the default account, but access is still decided
  (an explicit Deny, a presigned URL's expiry, a POST policy); an unsigned request is
  anonymous, as on S3. The in-process mode's default.
* ``strict``: as S3. Unknown keys are ``InvalidAccessKeyId``, anonymous requests are anonymous
  (and, with no ACLs or policies yet, every bucket is private to its owner: ``AccessDenied``).

``authenticate`` runs before the body is read; what it returns carries the account and, for
``STREAMING-AWS4-HMAC-SHA256-PAYLOAD*`` bodies, the signer that checks each chunk.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from fakes3.auth import sigv2, sigv4
from fakes3.auth.accounts import Account, Accounts
from fakes3.errors import (
    AccessDenied,
    InvalidAccessKeyId,
    InvalidArgument,
    InvalidToken,
    NotImplementedByFakeS3,
)
from fakes3.protocol.chunked import (
    STREAMING_ECDSA,
    STREAMING_ECDSA_TRAILER,
    STREAMING_HMAC,
    STREAMING_HMAC_TRAILER,
)
from fakes3.protocol.routing import parse_query

OFF = "off"
LENIENT = "lenient"
UNVERIFIED = "unverified"
STRICT = "strict"
MODES = (OFF, LENIENT, UNVERIFIED, STRICT)

_ONE_MECHANISM = (
    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
    "query string parameter or the Authorization header should be specified"
)


@dataclass(frozen=True)
class Identity:
    """The outcome: the account (None: anonymous) and how the body's chunks are checked."""

    account: Account | None
    chunk_signer: sigv4.ChunkSigner | None = None
    verified: bool = False  # the signature was checked against the account's secret


def _wall() -> float:
    return time.time()


class Authenticator:
    """Checks requests for one server: its mode, its accounts, its clock."""

    def __init__(
        self,
        mode: str,
        accounts: Accounts,
        now: Callable[[], float],
        wall: Callable[[], float] | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"auth mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.accounts = accounts
        self.now = now  # epoch seconds: the store's clock, for expiry (presigned URLs, policies)
        # The wall clock, for skew: clients sign with the real time. Looked up on each call,
        # so a test that freezes time in its process (freezegun, time-machine) freezes the
        # server's view too, as it does the client's X-Amz-Date.
        self.wall = wall if wall is not None else _wall
        self._default = Identity(accounts.default)

    def authenticate(
        self,
        method: str,
        raw_path: str,
        query_string: str,
        headers: Mapping[str, str],
        region_of: Callable[[], str | None],
        host_bucket: Callable[[], str | None] | None = None,
        *,
        us_east_1_too: bool = False,
    ) -> Identity:
        """The request's identity, or the S3 error that refuses it.

        ``region_of()`` is the region of the bucket the request names (None if it names none
        or it does not exist): a SigV4 credential scope must name it, or us-east-1 when
        ``us_east_1_too`` (``sigv4.check_scope``). ``host_bucket()`` is the
        bucket named by a virtual-host-style Host (SigV2 signs it as part of the path); both
        are asked only when needed.
        """
        if self.mode == OFF:
            return self._default
        # An empty Authorization header signs nothing: S3 takes the request as anonymous.
        authorization = headers.get("authorization") or None
        query: Mapping[str, str] = {}
        presigned = ""
        if "X-Amz-" in query_string or "Signature" in query_string:
            query = parse_query(query_string)
            if "X-Amz-Algorithm" in query or "X-Amz-Signature" in query:
                presigned = "v4"
            elif "Signature" in query or "AWSAccessKeyId" in query:
                presigned = "v2"
        token = (
            headers.get("x-amz-security-token")
            or query.get("X-Amz-Security-Token")
            or query.get("x-amz-security-token")
        )
        if authorization is not None and presigned:
            raise InvalidArgument(
                _ONE_MECHANISM, ArgumentName="Authorization", ArgumentValue=authorization
            )
        if authorization is not None:
            if authorization.startswith(sigv4.ALGORITHM + " "):
                signed = sigv4.parse_authorization(authorization, headers)
                return self._v4(
                    signed, method, raw_path, query_string, headers, region_of, us_east_1_too, token
                )
            if authorization.startswith("AWS "):
                return self._v2_header(
                    authorization,
                    method,
                    raw_path,
                    query_string,
                    headers,
                    region_of,
                    host_bucket,
                    token,
                )
            if authorization.startswith(sigv4.ECDSA_ALGORITHM):
                raise NotImplementedByFakeS3("fakes3 does not verify SigV4a signatures yet.")
            raise InvalidArgument(
                "Unsupported Authorization Type",
                ArgumentName="Authorization",
                ArgumentValue=authorization,
            )
        if presigned == "v4":
            signed = sigv4.parse_presigned(query)
            sent = headers.get("x-amz-content-sha256")
            if sent is not None and "x-amz-content-sha256" in signed.signed_headers:
                # the payload hash the header claims, not UNSIGNED-PAYLOAD, is what S3 puts in
                # the canonical request (Swift's s3api tests, written against AWS)
                signed = replace(signed, payload_hash=sent)
            if query["X-Amz-Algorithm"] == sigv4.ECDSA_ALGORITHM:
                raise NotImplementedByFakeS3("fakes3 does not verify SigV4a signatures yet.")
            return self._v4(
                signed, method, raw_path, query_string, headers, region_of, us_east_1_too, token
            )
        if presigned == "v2":
            return self._v2_query(
                method, raw_path, query_string, query, headers, region_of, host_bucket, token
            )
        # Unsigned: anonymous, as on S3, unless lenient mode's zero-configuration default.
        return self._default if self.mode == LENIENT else Identity(None)

    def account_for(self, access_key: str) -> Account | None:
        """The key's account, whose secret then verifies the signature; None (act as the
        default, unverified) for an unknown key when lenient, and for every key when
        unverified. InvalidAccessKeyId for an unknown key when strict."""
        if self.mode == UNVERIFIED:
            return None
        account = self.accounts.by_access_key(access_key)
        if account is None and self.mode == STRICT:
            raise InvalidAccessKeyId(AWSAccessKeyId=access_key)
        return account

    def check_token(self, account: Account, token: str | None) -> None:
        """Strict mode holds a key to its session token as S3 does: temporary credentials
        (an account given one) must send theirs, long-term keys none (botocore's
        test_bad_request_on_invalid_credentials, run against AWS: 400). Other modes let
        tokens pass, since SDK environments often carry one for keys fakes3 was not told."""
        if self.mode != STRICT:
            return
        if not account.session_token:
            if token:
                raise InvalidToken()
        elif not token:
            raise InvalidAccessKeyId(AWSAccessKeyId=account.access_key)
        elif not hmac.compare_digest(
            token.encode("utf-8", "surrogateescape"), account.session_token.encode()
        ):
            raise InvalidToken()

    def _v4(
        self,
        signed: sigv4.SignedRequest,
        method: str,
        raw_path: str,
        query_string: str,
        headers: Mapping[str, str],
        region_of: Callable[[], str | None],
        us_east_1_too: bool,
        token: str | None,
    ) -> Identity:
        account = self.account_for(signed.credential.access_key)
        now, wall = self.now(), self.wall()
        if account is None:
            if signed.presigned:
                sigv4.check_time(signed, now, wall)  # expiry is enforced whoever signed
            return self._default
        self.check_token(account, token)
        sigv4.check_time(signed, now, wall)
        sigv4.check_scope(signed, region_of(), us_east_1_too=us_east_1_too)
        _refuse_unsigned(sigv4.unsigned_amz_headers(signed, headers))
        key = sigv4.verify(signed, account.secret_key, method, raw_path, query_string, headers)
        signer = None
        if signed.payload_hash in (STREAMING_HMAC, STREAMING_HMAC_TRAILER):
            signer = sigv4.ChunkSigner(
                key,
                signed,
                lambda: sigv4.canonical_request(method, raw_path, query_string, headers, signed),
            )
        elif signed.payload_hash in (STREAMING_ECDSA, STREAMING_ECDSA_TRAILER):
            # SigV4a chunk signatures: verifying none would accept any body
            raise NotImplementedByFakeS3("fakes3 does not verify SigV4a chunk signatures yet.")
        return Identity(account, signer, verified=True)

    def _v2_header(
        self,
        authorization: str,
        method: str,
        raw_path: str,
        query_string: str,
        headers: Mapping[str, str],
        region_of: Callable[[], str | None],
        host_bucket: Callable[[], str | None] | None,
        token: str | None,
    ) -> Identity:
        access_key, signature = sigv2.parse_authorization(authorization)
        account = self.account_for(access_key)
        if account is None:
            return self._default
        self.check_token(account, token)
        sigv2.check_region(region_of())
        sigv2.check_date(headers, self.wall())
        resource = sigv2.canonical_resource(
            raw_path, query_string, host_bucket() if host_bucket is not None else None
        )
        to_sign = sigv2.string_to_sign(method, headers, resource, expires=None)
        sigv2.verify(account, to_sign, signature)
        return Identity(account, verified=True)

    def _v2_query(
        self,
        method: str,
        raw_path: str,
        query_string: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        region_of: Callable[[], str | None],
        host_bucket: Callable[[], str | None] | None,
        token: str | None,
    ) -> Identity:
        access_key, signature, expires = sigv2.parse_presigned(query)
        account = self.account_for(access_key)
        sigv2.check_expires(expires, self.now())
        if account is None:
            return self._default
        self.check_token(account, token)
        sigv2.check_region(region_of())
        resource = sigv2.canonical_resource(
            raw_path, query_string, host_bucket() if host_bucket is not None else None
        )
        to_sign = sigv2.string_to_sign(method, headers, resource, expires=query["Expires"])
        sigv2.verify(account, to_sign, signature)
        return Identity(account, verified=True)


def _refuse_unsigned(names: list[str]) -> None:
    if names:
        raise AccessDenied(
            "There were headers present in the request which were not signed",
            HeadersNotSigned=", ".join(names),
        )
