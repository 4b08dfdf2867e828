"""What a bucket's lifecycle rules add to object responses: ``x-amz-expiration`` on
PUT/GET/HEAD/Copy/CompleteMultipartUpload, ``x-amz-abort-date`` and ``x-amz-abort-rule-id`` on
CreateMultipartUpload and ListParts. A bucket without rules costs one cached dict lookup.

Dates are AWS's: whole days (86400 s) rounded up to midnight UTC, whatever ``lifecycle_day``
says (the conformance suites compare them with real days); see docs/lifecycle.md.
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_ResponseSyntax
"""

from __future__ import annotations

from fakes3.errors import NoSuchBucket
from fakes3.operations.context import Context, Output
from fakes3.protocol.dates import from_epoch, http_date
from fakes3.store import lifecycle_rules as lr
from fakes3.store.lifecycle import CONFIG
from fakes3.store.records import ObjectRecord
from fakes3.store.uploads import UploadRecord


def _rules(ctx: Context, bucket: str) -> lr.Rules | None:
    try:
        document = ctx.store.configs.get(bucket, CONFIG)
    except NoSuchBucket:  # a lagging consistency view may not show the bucket a write found
        return None
    return None if document is None else lr.rules_of(document)


def expiration(ctx: Context, bucket: str, record: ObjectRecord) -> Output:
    """``{"Expiration": 'expiry-date="…", rule-id="…"'}`` if a rule will expire ``record``."""
    rules = _rules(ctx, bucket)
    if rules is None:
        return {}
    found = lr.expiration(rules, record)
    if found is None:
        return {}
    when, rule_id = found
    return {"Expiration": f'expiry-date="{http_date(when)}", rule-id="{rule_id}"'}


def abort(ctx: Context, upload: UploadRecord) -> Output:
    """``AbortDate`` and ``AbortRuleId`` if a rule will abort this upload."""
    rules = _rules(ctx, upload.bucket)
    if rules is None:
        return {}
    found = lr.abort_date(rules, upload.key, upload.initiated.timestamp())
    if found is None:
        return {}
    when, rule_id = found
    return {"AbortDate": from_epoch(when), "AbortRuleId": rule_id}
