"""Server settings: one dataclass, filled from defaults, ``FAKES3_*`` variables, then flags."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fakes3.auth.accounts import Account

LEGACY = "legacy"  # Settings.bucket_defaults: new buckets as S3 made them before April 2023
# fakes3.auth.MODES, spelled here so that --help does not load the S3 stack.
AUTH_MODES = ("off", "lenient", "unverified", "strict")
BEHAVIOUR_FIELDS = (
    "bucket_defaults",
    "consistency",
    "seed",
    "lifecycle_day",
    "restore_seconds",
    "ignore_stray_bypass_governance",
)
"""The fields the in-process mode and the pytest plugin's servers also read from ``FAKES3_*``
variables: how S3 behaves, so a whole suite can be run another way without editing it; never
where a server listens, who may call it or where data lives (those stay the code's choice)."""


@dataclass
class Settings:
    """Everything that changes how fakes3 answers; see docs/server.md for each field."""

    host: str = "127.0.0.1"
    port: int = 9000
    data_dir: str | None = None
    base_domain: str = "localhost"
    region: str = "us-east-1"
    tls_cert: str | None = None
    tls_key: str | None = None
    quiet: bool = False
    threads: int = 16
    auth: str = "lenient"  # off | lenient | unverified | strict (docs/auth.md)
    # Account specs (fakes3.auth.accounts.SPEC_FORM) or Account objects (fakes3.auth.Account);
    # FAKES3_ACCOUNTS separates specs with ";".
    accounts: Sequence[str | Account] = ()
    journal_size: int = 1000  # requests the journal keeps (the oldest are dropped)
    consistency: str = "strong"  # a preset of docs/consistency.md
    seed: int = 0  # seeds consistency lags, replica choice and fault probabilities
    access_log_interval: int = 60  # seconds a server access log record waits (docs/logging.md)
    # SSE-C over plain HTTP: S3 refuses it (400 InvalidRequest); True accepts it, for local
    # servers without TLS (docs/encryption.md).
    allow_insecure_ssec: bool = False
    # Seconds every RestoreObject takes; 0: each class and tier's own (docs/storage-classes.md).
    restore_seconds: int = 0
    # Seconds in a lifecycle day (docs/lifecycle.md): 86400 as in AWS; tests shorten it, as
    # other S3 servers' debug interval does (FAKES3_LIFECYCLE_DAY=10: a "day" every 10 s).
    lifecycle_day: int = 86400
    # Event notification webhooks (docs/notifications.md): "ARN=URL" specs (ARN "*": every
    # other destination); FAKES3_NOTIFY_WEBHOOKS separates them with ";". The queue of
    # messages waiting for delivery holds notify_queue_size (when full, new ones are dropped).
    notify_webhooks: Sequence[str] = ()
    notify_queue_size: int = 1000
    # The web console's buttons (settle, clock advance, fault rules): off, the console is
    # read-only (docs/console.md).
    console_actions: bool = False
    # A file every S3 request is appended to, in S3's server access log format ("s3") or as
    # JSON lines ("json"); None: no file (fakes3/access_log_file.py).
    access_log: str | None = None
    access_log_format: str = "s3"
    # What a new bucket starts with (docs/access-control.md): "aws", as S3 creates buckets
    # since April 2023 (Object Ownership BucketOwnerEnforced: ACLs disabled; Block Public
    # Access on); "legacy", as before (no ownership controls: ACLs enabled, the writer owns
    # its objects; no Block Public Access), for suites and code written for those buckets.
    bucket_defaults: str = "aws"
    # x-amz-bypass-governance-retention on a delete in a bucket without Object Lock: S3 refuses
    # it (InvalidArgument); True ignores it, for conformance suites whose cleanup sends it to
    # every bucket (ceph's s3-tests since 2023; docs/object-lock.md).
    ignore_stray_bypass_governance: bool = False

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        only: Collection[str] | None = None,
        **given: object,
    ) -> Settings:
        """Read ``FAKES3_<FIELD>`` (upper case) for every field that is set (of ``only``, if
        given); ``given`` fields are the defaults that a variable overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = dict(given)
        for field in fields(cls):
            if only is not None and field.name not in only:
                continue
            raw = environ.get("FAKES3_" + field.name.upper())
            if raw is None or raw == "":
                continue
            default = field.default
            if isinstance(default, bool):
                values[field.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int):
                try:
                    values[field.name] = int(raw)
                except ValueError:
                    name = "FAKES3_" + field.name.upper()
                    raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
            elif isinstance(default, tuple):
                values[field.name] = tuple(part for part in raw.split(";") if part.strip())
            else:
                values[field.name] = raw
        return cls(**values)  # type: ignore[arg-type]

    def check(self) -> None:
        """ValueError naming the first field whose value fakes3 cannot run with."""
        from fakes3.store.consistency_rules import PRESETS
        from fakes3.webhooks import parse_mapping

        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError(
                "--tls-cert and --tls-key go together (FAKES3_TLS_CERT, FAKES3_TLS_KEY)"
            )
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is not between 0 and 65535")
        if self.lifecycle_day < 1:
            raise ValueError(f"lifecycle day must be at least 1 second, not {self.lifecycle_day}")
        parse_mapping(self.notify_webhooks)  # ValueError names a malformed ARN=URL
        if self.notify_queue_size < 1:
            raise ValueError(f"notify queue size must be at least 1, not {self.notify_queue_size}")
        if self.threads < 1:
            raise ValueError(f"threads must be at least 1, not {self.threads}")
        if self.auth not in AUTH_MODES:
            raise ValueError(f"auth must be {', '.join(AUTH_MODES)}, not {self.auth!r}")
        if self.bucket_defaults not in ("aws", LEGACY):
            raise ValueError(f"bucket defaults must be aws or legacy, not {self.bucket_defaults!r}")
        if self.access_log_format not in ("s3", "json"):
            raise ValueError(
                f"access log format must be s3 or json, not {self.access_log_format!r}"
            )
        if self.consistency not in PRESETS:
            raise ValueError(
                f"consistency must be one of {', '.join(PRESETS)}, not {self.consistency!r}"
            )
