"""Buckets, the key browser and object details, read from the store as it truly is.

The pages read with the consistency view set aside (``truth``): a console read must neither
be served by a simulated stale replica nor draw from the seeded generator, which would change
the anomalies the test under inspection sees. The consistency page shows what replicas hide.
Listings are single ``store.list_objects`` pages, so a bucket of 100,000 keys costs a page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from fakes3.console.markup import anchor, esc, link, pretty, table
from fakes3.errors import S3Error
from fakes3.store.records import ObjectRecord
from fakes3.store.store import Store
from fakes3.store.uploads import UploadRecord

PAGE_SIZES = (25, 100, 500, 1000)
_VERSIONS_SHOWN = 100
_UPLOADS_SHOWN = 50


@contextmanager
def truth(store: Store) -> Iterator[Store]:
    """The store without its consistency view, for the length of one page's reads.

    Safe because every reader of ``Store.view`` holds ``store.lock`` (held here throughout):
    no request can see the view missing.
    """
    with store.lock:
        saved, store.view = store.view, None
        try:
            yield store
        finally:
            store.view = saved


def buckets_page(store: Store) -> str:
    with truth(store):
        records = store.list_buckets()
        configs = {record.name: store.configs.list(record.name, "") for record in records}
    rows = [
        [
            anchor(link("bucket", name=record.name), record.name),
            esc(record.region),
            esc(record.created.isoformat()),
            esc(record.versioning or "never enabled"),
            esc(", ".join(name for name, _ in configs[record.name]) or "-"),
            esc(record.owner or "default account"),
        ]
        for record in records
    ]
    if not rows:
        return "<p class=empty>No buckets yet.</p>"
    headers = ("Bucket", "Region", "Created", "Versioning", "Configurations", "Owner")
    return f"<p>{len(rows)} bucket(s)</p>" + table(headers, rows, "buckets")


def bucket_page(store: Store, params: dict[str, str]) -> str:
    """Configurations, then one page of keys under ``prefix`` after ``after``."""
    bucket = params.get("name", "")
    prefix, after = params.get("prefix", ""), params.get("after", "")
    delimiter = params.get("delimiter", "")  # flat by default: every key is findable
    size = _size(params.get("size", ""))
    try:
        with truth(store):
            configs = store.configs.list(bucket, "")
            page = store.list_objects(bucket, prefix, delimiter, after, size)
            uploads = store.multipart.list_uploads(bucket, prefix, "", ("", None), _UPLOADS_SHOWN)
    except S3Error as error:
        return _error(error)
    parts = [_configs(configs), "<h2>Keys</h2>", _key_form(bucket, prefix, delimiter, size)]
    rows = [
        [anchor(link("bucket", name=bucket, prefix=common, delimiter=delimiter), common), "", ""]
        + ["prefix", ""]
        for common in page.prefixes
    ]
    rows += [_key_row(bucket, record) for record in page.objects]
    shown = f"{len(page.objects)} key(s), {len(page.prefixes)} prefix(es) on this page"
    parts.append(f"<p id=shown>{esc(shown)}</p>")
    headers = ("Key", "Size", "Last modified", "Storage class", "ETag")
    parts.append(table(headers, rows, "keys"))
    if page.truncated and page.last is not None:
        following = link(
            "bucket", name=bucket, prefix=prefix, delimiter=delimiter, after=page.last, size=size
        )
        parts.append(f'<p><a id=next href="{following}">Next page →</a></p>')
    parts.append(_uploads(uploads.objects, uploads.truncated))
    return "".join(parts)


def _uploads(uploads: list[UploadRecord], more: bool) -> str:
    """Multipart uploads in progress under the prefix (the first ones, in key order)."""
    title = "<h2>Multipart uploads in progress</h2>"
    if not uploads:
        return title + "<p class=empty>None under this prefix.</p>"
    rows = [
        [
            esc(upload.key),
            f"<code>{esc(upload.upload_id)}</code>",
            esc(upload.initiated.isoformat()),
        ]
        for upload in uploads
    ]
    note = f"<p>The first {len(uploads)}; more exist.</p>" if more else ""
    return title + table(("Key", "Upload id", "Initiated"), rows, "uploads") + note


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        return PAGE_SIZES[1]
    return min(max(value, 1), PAGE_SIZES[-1])


def _configs(configs: list[tuple[str, Any]]) -> str:
    if not configs:
        return "<h2>Configurations</h2><p class=empty>None stored.</p>"
    items = "".join(
        f"<details><summary>{esc(name)}</summary>{pretty(value)}</details>"
        for name, value in configs
    )
    return f"<h2>Configurations</h2><div id=configs>{items}</div>"


def _key_form(bucket: str, prefix: str, delimiter: str, size: int) -> str:
    options = "".join(
        f"<option{' selected' if choice == size else ''}>{choice}</option>" for choice in PAGE_SIZES
    )
    return (
        '<form method=get action="/_fakes3/console/bucket" id=browse>'
        f'<input type=hidden name=name value="{esc(bucket)}">'
        f'<label>Prefix <input name=prefix id=prefix value="{esc(prefix)}"></label> '
        f'<label>Delimiter <input name=delimiter size=3 value="{esc(delimiter)}"></label> '
        f"<label>Per page <select name=size>{options}</select></label> "
        "<button type=submit>List</button></form>"
    )


def _key_row(bucket: str, record: ObjectRecord) -> list[str]:
    return [
        anchor(link("object", bucket=bucket, key=record.key), record.key),
        esc(record.size),
        esc(record.last_modified.isoformat()),
        esc(record.storage_class),
        esc(record.etag),
    ]


def object_page(store: Store, params: dict[str, str]) -> str:
    """Metadata, tags, checksum, versions and a download link of one object (or version)."""
    bucket, key = params.get("bucket", ""), params.get("key", "")
    version = params.get("version") or None
    try:
        with truth(store):
            record = store.head_object(bucket, key, version)
            versions = _versions(store, bucket, key)
    except S3Error as error:
        return _error(error)
    fields = [
        ("Bucket", anchor(link("bucket", name=bucket), bucket)),
        ("Key", f"<code id=key>{esc(key)}</code>"),
        ("Version", esc(record.version_id or "null (never versioned)")),
        ("Size", esc(record.size)),
        ("ETag", esc(record.etag)),
        ("Last modified", esc(record.last_modified.isoformat())),
        ("Content-Type", esc(record.content_type)),
        ("Storage class", esc(record.storage_class)),
        ("Checksum", esc(_checksum(record))),
        ("Parts", esc(len(record.parts) or "single upload")),
    ]
    fields += [(name, esc(value)) for name, value in sorted(record.headers.items())]
    if record.encryption:
        fields.append(("Encryption", pretty(record.encryption)))
    if record.lock_mode or record.legal_hold:
        lock = f"{record.lock_mode or '-'} until {record.lock_until or '-'}"
        fields.append(("Object Lock", esc(f"{lock}, legal hold {record.legal_hold or 'OFF'}")))
    rows = [[f"<strong>{esc(name)}</strong>", value] for name, value in fields]
    parts = [table(("Field", "Value"), rows, "details"), _download(bucket, key, record)]
    parts.append("<h2>Metadata</h2>" + _pairs(sorted(record.metadata.items()), "metadata"))
    parts.append("<h2>Tags</h2>" + _pairs(list(record.tags), "tags"))
    parts.append("<h2>Versions</h2>" + _versions_table(bucket, key, versions))
    return "".join(parts)


def _versions(store: Store, bucket: str, key: str) -> list[ObjectRecord]:
    page = store.list_versions(bucket, key, "", "", None, _VERSIONS_SHOWN + 1)
    return [entry for entry in page.objects if entry.key == key][:_VERSIONS_SHOWN]


def _checksum(record: ObjectRecord) -> str:
    if not record.checksum_algorithm:
        return "none"
    return f"{record.checksum_algorithm} {record.checksum} ({record.checksum_type})"


def _download(bucket: str, key: str, record: ObjectRecord) -> str:
    """A plain S3 GET: the browser's unsigned request meets the server's own rules (in
    strict mode, or under a bucket policy, that may well be AccessDenied)."""
    if record.delete_marker:
        return "<p>A delete marker: nothing to download.</p>"
    href = "/" + quote(bucket, safe="") + "/" + quote(key, safe="")
    if record.version_id is not None:
        href += "?versionId=" + quote(record.version_id, safe="")
    return f'<p><a id=download href="{esc(href)}" download>Download (S3 GetObject)</a></p>'


def _pairs(pairs: list[tuple[str, str]], ident: str) -> str:
    if not pairs:
        return "<p class=empty>None.</p>"
    return table(("Name", "Value"), ([esc(name), esc(value)] for name, value in pairs), ident)


def _versions_table(bucket: str, key: str, versions: list[ObjectRecord]) -> str:
    rows = [
        [
            anchor(
                link("object", bucket=bucket, key=key, version=entry.version_id), entry.version_id
            )
            if entry.version_id
            else "null",
            esc("delete marker" if entry.delete_marker else entry.size),
            esc(entry.last_modified.isoformat()),
            esc(entry.etag if not entry.delete_marker else ""),
        ]
        for entry in versions
    ]
    return table(("Version", "Size", "Last modified", "ETag"), rows, "versions")


def _error(error: S3Error) -> str:
    return f"<p class=error id=error>{esc(error.code)}: {esc(error.text)}</p>"
