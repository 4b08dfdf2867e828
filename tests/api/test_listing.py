"""ListObjects (v1) and ListObjectsV2: order, prefixes, delimiters, pagination, encoding.

- ListObjectsV2: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
- ListObjects: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
- "List results are always returned in UTF-8 binary order":
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/ListingKeysUsingAPIs.html
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, unquote

import pytest
from api_helpers import (
    Raw,
    assert_s3_error,
    find_all_text,
    find_text,
    raises_client_error,
    xml_root,
)
from botocore.client import BaseClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KEYS = [
    "a",
    "a/b",
    "a/b/c",
    "a/c",
    "b",
    "b/",
    "c/d/e",
    "d",
    "Z",
    "zz",
    "é",
    "中",
    "🙂",
    "\uff01",  # U+FF01 sorts before the emoji in UTF-8 (EF BC 81 < F0 9F 99 82)
    "e f",
    "plus+key",
]


def utf8_sorted(keys: list[str]) -> list[str]:
    return sorted(keys, key=lambda k: k.encode("utf-8"))


@pytest.fixture(scope="module")
def listed(s3: BaseClient) -> Iterator[str]:
    """A bucket holding KEYS (one per backend), shared by the read-only tests below."""
    name = f"listing-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    for key in KEYS:
        s3.put_object(Bucket=name, Key=key, Body=key.encode())
    yield name
    s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": k} for k in KEYS]})
    s3.delete_bucket(Bucket=name)


def _keys(page: dict[str, Any]) -> list[str]:
    return [o["Key"] for o in page.get("Contents", [])]


def _prefixes(page: dict[str, Any]) -> list[str]:
    return [p["Prefix"] for p in page.get("CommonPrefixes", [])]


@pytest.mark.parametrize("version", ["list_objects", "list_objects_v2"])
def test_listing_is_in_utf8_binary_order(s3: BaseClient, listed: str, version: str) -> None:
    page = getattr(s3, version)(Bucket=listed)
    assert _keys(page) == utf8_sorted(KEYS)
    assert _keys(page)[:3] == ["Z", "a", "a/b"]  # upper case sorts before lower case
    assert _keys(page)[-4:] == ["é", "中", "\uff01", "🙂"]
    assert page["IsTruncated"] is False
    assert page["MaxKeys"] == 1000
    assert page["Name"] == listed


def test_list_v2_entry_fields(s3: BaseClient, listed: str) -> None:
    page = s3.list_objects_v2(Bucket=listed, Prefix="a/b/c")
    (entry,) = page["Contents"]
    assert entry["Key"] == "a/b/c"
    assert entry["Size"] == len(b"a/b/c")
    assert entry["StorageClass"] == "STANDARD"
    assert entry["ETag"].startswith('"') and len(entry["ETag"]) == 34
    assert "LastModified" in entry
    assert "Owner" not in entry
    assert page["KeyCount"] == 1
    assert page["Prefix"] == "a/b/c"


@pytest.mark.parametrize(
    ("prefix", "delimiter", "keys", "prefixes"),
    [
        ("a/", "", ["a/b", "a/b/c", "a/c"], []),
        (
            "",
            "/",
            ["Z", "a", "b", "d", "e f", "plus+key", "zz", "é", "中", "\uff01", "🙂"],
            ["a/", "b/", "c/"],
        ),
        ("a/", "/", ["a/b", "a/c"], ["a/b/"]),
        ("c", "/", [], ["c/"]),
        ("c/", "d", [], ["c/d"]),
        ("b", "/", ["b"], ["b/"]),
        ("nothing", "/", [], []),
        (
            "",
            "b",
            ["Z", "a", "a/c", "c/d/e", "d", "e f", "plus+key", "zz", "é", "中", "\uff01", "🙂"],
            ["a/b", "b"],
        ),
        ("a", "/b", ["a", "a/c"], ["a/b"]),
    ],
)
@pytest.mark.parametrize("version", ["list_objects", "list_objects_v2"])
def test_prefix_and_delimiter(
    s3: BaseClient,
    listed: str,
    version: str,
    prefix: str,
    delimiter: str,
    keys: list[str],
    prefixes: list[str],
) -> None:
    page = getattr(s3, version)(Bucket=listed, Prefix=prefix, Delimiter=delimiter)
    assert _keys(page) == keys
    assert _prefixes(page) == prefixes
    if version == "list_objects_v2":
        assert page["KeyCount"] == len(keys) + len(prefixes)


@pytest.mark.parametrize("version", ["list_objects", "list_objects_v2"])
def test_max_keys_zero_is_empty_and_not_truncated(
    s3: BaseClient, listed: str, version: str
) -> None:
    page = getattr(s3, version)(Bucket=listed, MaxKeys=0)
    assert "Contents" not in page
    assert page["IsTruncated"] is False
    assert page["MaxKeys"] == 0


def test_common_prefixes_count_toward_max_keys(s3: BaseClient, listed: str) -> None:
    first = s3.list_objects_v2(Bucket=listed, Delimiter="/", MaxKeys=3)
    assert _keys(first) == ["Z", "a"]
    assert _prefixes(first) == ["a/"]
    assert first["KeyCount"] == 3
    assert first["IsTruncated"] is True
    second = s3.list_objects_v2(
        Bucket=listed, Delimiter="/", MaxKeys=3, ContinuationToken=first["NextContinuationToken"]
    )
    assert _keys(second) == ["b"]
    assert _prefixes(second) == ["b/", "c/"]


def test_v2_manual_pagination_with_max_keys_1(s3: BaseClient, listed: str) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"Bucket": listed, "MaxKeys": 1}
    for _ in range(len(KEYS) + 1):
        page = s3.list_objects_v2(**params)
        assert page["KeyCount"] == 1
        seen.extend(_keys(page))
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        assert page["MaxKeys"] == 1
        params["ContinuationToken"] = page["NextContinuationToken"]
    assert seen == utf8_sorted(KEYS)


def test_v2_continuation_token_is_echoed(s3: BaseClient, listed: str) -> None:
    first = s3.list_objects_v2(Bucket=listed, MaxKeys=2)
    token = first["NextContinuationToken"]
    second = s3.list_objects_v2(Bucket=listed, MaxKeys=2, ContinuationToken=token)
    assert second["ContinuationToken"] == token


@pytest.mark.parametrize("delimiter", ["", "/"])
@pytest.mark.parametrize("page_size", [1, 2, 7])
@pytest.mark.parametrize("version", ["list_objects", "list_objects_v2"])
def test_paginators_walk_everything_once(
    s3: BaseClient, listed: str, version: str, page_size: int, delimiter: str
) -> None:
    pages = list(
        s3.get_paginator(version).paginate(
            Bucket=listed, Delimiter=delimiter, PaginationConfig={"PageSize": page_size}
        )
    )
    keys = [k for p in pages for k in _keys(p)]
    prefixes = [c for p in pages for c in _prefixes(p)]
    if delimiter:
        assert prefixes == ["a/", "b/", "c/"]
        assert keys == [k for k in utf8_sorted(KEYS) if "/" not in k]
    else:
        assert keys == utf8_sorted(KEYS)
    for page in pages[:-1]:
        assert len(_keys(page)) + len(_prefixes(page)) == page_size
        assert page["IsTruncated"] is True
    assert pages[-1]["IsTruncated"] is False


def test_v2_start_after(s3: BaseClient, listed: str) -> None:
    page = s3.list_objects_v2(Bucket=listed, StartAfter="d")
    assert _keys(page) == [k for k in utf8_sorted(KEYS) if k.encode() > b"d"]
    assert page["StartAfter"] == "d"
    assert _keys(s3.list_objects_v2(Bucket=listed, StartAfter="a/b", Prefix="a/")) == [
        "a/b/c",
        "a/c",
    ]
    assert _keys(s3.list_objects_v2(Bucket=listed, StartAfter="🙂")) == []


def test_v2_start_after_is_ignored_once_a_token_is_given(s3: BaseClient, listed: str) -> None:
    first = s3.list_objects_v2(Bucket=listed, MaxKeys=2)
    second = s3.list_objects_v2(
        Bucket=listed, MaxKeys=2, StartAfter="zz", ContinuationToken=first["NextContinuationToken"]
    )
    assert _keys(second) == utf8_sorted(KEYS)[2:4]


def test_v1_marker(s3: BaseClient, listed: str) -> None:
    page = s3.list_objects(Bucket=listed, Marker="b/")
    assert _keys(page) == [k for k in utf8_sorted(KEYS) if k.encode() > b"b/"]
    assert page["Marker"] == "b/"


def test_v1_next_marker_only_with_delimiter(s3: BaseClient, listed: str) -> None:
    plain = s3.list_objects(Bucket=listed, MaxKeys=2)
    assert plain["IsTruncated"] is True
    assert "NextMarker" not in plain
    grouped = s3.list_objects(Bucket=listed, MaxKeys=3, Delimiter="/")
    assert grouped["IsTruncated"] is True
    assert grouped["NextMarker"] == "a/"  # the last entry of the page is a common prefix
    rest = s3.list_objects(Bucket=listed, MaxKeys=3, Delimiter="/", Marker=grouped["NextMarker"])
    assert _keys(rest) == ["b"]
    assert _prefixes(rest) == ["b/", "c/"]
    last = s3.list_objects(Bucket=listed, Delimiter="/")
    assert last["IsTruncated"] is False
    assert "NextMarker" not in last


def test_fetch_owner(s3: BaseClient, listed: str) -> None:
    without = s3.list_objects_v2(Bucket=listed, MaxKeys=1)
    assert "Owner" not in without["Contents"][0]
    with_owner = s3.list_objects_v2(Bucket=listed, MaxKeys=1, FetchOwner=True)
    assert with_owner["Contents"][0]["Owner"]["ID"]
    v1 = s3.list_objects(Bucket=listed, MaxKeys=1)
    assert v1["Contents"][0]["Owner"]["ID"] == with_owner["Contents"][0]["Owner"]["ID"]


@pytest.mark.parametrize("list_type", ["2", None])
def test_encoding_type_url_encodes_keys_in_raw_xml(
    raw: Raw, listed: str, list_type: str | None
) -> None:
    params = {"encoding-type": "url"}
    if list_type:
        params["list-type"] = list_type
    response = raw("GET", f"/{listed}", params=params)
    assert response.status_code == 200
    root = xml_root(response)
    keys = find_all_text(root, "Contents/Key")
    assert "e%20f" in keys  # RFC 3986: space is %20 (ceph s3-tests, checked against AWS)
    assert "plus%2Bkey" in keys  # + is escaped so it is not read back as a space
    assert "%C3%A9" in keys  # é as percent-encoded UTF-8
    assert "%F0%9F%99%82" in keys
    assert "a/b/c" in keys
    assert find_text(root, "EncodingType") == "url"


def test_encoding_type_url_encodes_prefix_and_delimiter(raw: Raw, listed: str) -> None:
    response = raw(
        "GET", f"/{listed}", params={"list-type": "2", "encoding-type": "url", "prefix": "e f"}
    )
    root = xml_root(response)
    assert find_text(root, "Prefix") == "e%20f"
    assert find_all_text(root, "Contents/Key") == ["e%20f"]


def test_encoding_type_url_matches_s3_tests_expectations(raw: Raw, bucket: str) -> None:
    """ceph s3-tests' test_bucket_listv2_encoding_basic, as AWS answers it."""
    for key in ["foo+1/bar", "foo/bar/xyzzy", "quux ab/thud", "asdf+b"]:
        raw("PUT", f"/{bucket}/{quote(key)}", data=b"")
    response = raw(
        "GET", f"/{bucket}", params={"list-type": "2", "delimiter": "/", "encoding-type": "url"}
    )
    root = xml_root(response)
    assert find_text(root, "Delimiter") == "/"
    assert find_all_text(root, "Contents/Key") == ["asdf%2Bb"]
    assert find_all_text(root, "CommonPrefixes/Prefix") == ["foo%2B1/", "foo/", "quux%20ab/"]


def test_without_encoding_type_keys_are_plain_xml(raw: Raw, listed: str) -> None:
    response = raw("GET", f"/{listed}", params={"list-type": "2", "prefix": "e f"})
    root = xml_root(response)
    assert find_all_text(root, "Contents/Key") == ["e f"]
    assert find_text(root, "EncodingType") is None


def test_boto3_decodes_url_encoded_listing(s3: BaseClient, listed: str) -> None:
    # boto3 asks for encoding-type=url on its own and decodes the keys back.
    page = s3.list_objects_v2(Bucket=listed, Prefix="e f")
    assert page["ResponseMetadata"]["HTTPHeaders"]["content-type"].startswith("application/xml")
    assert _keys(page) == ["e f"]
    assert _keys(s3.list_objects(Bucket=listed, Prefix="plus")) == ["plus+key"]


def test_bad_encoding_type_is_invalid_argument(raw: Raw, listed: str) -> None:
    response = raw("GET", f"/{listed}", params={"list-type": "2", "encoding-type": "base64"})
    assert_s3_error(response, "InvalidArgument", 400)


@pytest.mark.parametrize("value", ["abc", "1.5", "2147483648"])
@pytest.mark.parametrize("list_type", ["2", None])
def test_bad_max_keys_is_invalid_argument(
    raw: Raw, listed: str, value: str, list_type: str | None
) -> None:
    params = {"max-keys": value}
    if list_type:
        params["list-type"] = list_type
    fields = assert_s3_error(raw("GET", f"/{listed}", params=params), "InvalidArgument", 400)
    assert fields["ArgumentName"] == "max-keys"


@pytest.mark.parametrize(
    "query, message, name",
    [
        (
            {"max-keys": "-1"},
            "Argument maxKeys must be an integer between 0 and 2147483647",
            "maxKeys",
        ),
        (
            {"list-type": "2", "max-keys": "-3"},
            "Argument maxKeys must be an integer between 0 and 2147483647",
            "maxKeys",
        ),
        ({"versions": "", "max-keys": "-1"}, "max-keys cannot be negative", "max-keys"),
    ],
)
def test_a_negative_max_keys_gets_each_listings_message(
    raw: Raw, listed: str, query: dict[str, str], message: str, name: str
) -> None:
    fields = assert_s3_error(raw("GET", f"/{listed}", params=query), "InvalidArgument", 400)
    assert (fields["Message"], fields["ArgumentName"]) == (message, name)
    assert fields["ArgumentValue"] == query["max-keys"]


@pytest.mark.parametrize("made_up", ["!!not a token!!", "AAAA", "CQ==", "ZSBm"])  # ZSBm: "e f"
def test_a_token_fakes3_did_not_issue_is_invalid_argument(
    s3: BaseClient, listed: str, made_up: str
) -> None:
    """Base64 of a key is no token (it was taken as a place to resume from)."""
    with raises_client_error("InvalidArgument", 400) as refused:
        s3.list_objects_v2(Bucket=listed, ContinuationToken=made_up)
    assert (
        refused.value.response["Error"]["Message"] == "The continuation token provided is incorrect"
    )


MANY = 1005


@pytest.fixture(scope="module")
def crowded(s3: BaseClient) -> Iterator[str]:
    """A bucket with more than 1000 keys (one per backend)."""
    name = f"crowded-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    keys = [f"k{index:05d}" for index in range(MANY)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=name, Key=k, Body=b""), keys))
    yield name
    for start in range(0, MANY, 1000):
        batch = keys[start : start + 1000]
        s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": k} for k in batch]})
    s3.delete_bucket(Bucket=name)


@pytest.mark.parametrize("max_keys", [None, 1000, 1001, 5000])
@pytest.mark.parametrize("version", ["list_objects", "list_objects_v2"])
def test_pages_are_capped_at_1000(
    s3: BaseClient, crowded: str, version: str, max_keys: int | None
) -> None:
    params: dict[str, Any] = {"Bucket": crowded}
    if max_keys is not None:
        params["MaxKeys"] = max_keys
    page = getattr(s3, version)(**params)
    assert len(page["Contents"]) == 1000
    assert page["IsTruncated"] is True
    assert page["Contents"][-1]["Key"] == "k00999"


def test_paginating_more_than_1000_keys(s3: BaseClient, crowded: str) -> None:
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=crowded))
    assert [len(p["Contents"]) for p in pages] == [1000, MANY - 1000]
    v1_pages = list(s3.get_paginator("list_objects").paginate(Bucket=crowded))
    assert [o["Key"] for p in v1_pages for o in p["Contents"]] == [
        f"k{index:05d}" for index in range(MANY)
    ]


# --- property test: paginated listings agree with a plain Python model --------------------


def model_listing(keys: set[str], prefix: str, delimiter: str) -> list[tuple[str, str]]:
    """Every entry a full listing returns, in order: ("key", k) or ("prefix", p)."""
    entries: dict[str, tuple[str, str]] = {}
    for key in keys:
        if not key.startswith(prefix):
            continue
        rest = key[len(prefix) :]
        position = rest.find(delimiter) if delimiter else -1
        if position >= 0:
            common = prefix + rest[: position + len(delimiter)]
            entries[common] = ("prefix", common)
        else:
            entries[key] = ("key", key)
    return [entries[name] for name in sorted(entries, key=lambda n: n.encode("utf-8"))]


def _page_entries(page: dict[str, Any]) -> list[tuple[str, str]]:
    entries = [("key", k) for k in _keys(page)] + [("prefix", p) for p in _prefixes(page)]
    return sorted(entries, key=lambda e: e[1].encode("utf-8"))


def _walk_v2(s3: BaseClient, bucket: str, **params: Any) -> list[dict[str, Any]]:
    pages, token = [], None
    for _ in range(100):
        extra = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=bucket, **params, **extra)
        pages.append(page)
        if not page["IsTruncated"]:
            return pages
        token = page["NextContinuationToken"]
    raise AssertionError("pagination did not end")


def _walk_v1(s3: BaseClient, bucket: str, **params: Any) -> list[dict[str, Any]]:
    pages, marker = [], ""
    for _ in range(100):
        page = s3.list_objects(Bucket=bucket, Marker=marker, **params)
        pages.append(page)
        if not page["IsTruncated"]:
            return pages
        marker = page.get("NextMarker") or _keys(page)[-1]
    raise AssertionError("pagination did not end")


key_text = st.text(alphabet="ab/é", min_size=1, max_size=5)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    keys=st.sets(key_text, max_size=12),
    prefix=st.text(alphabet="ab/", max_size=2),
    delimiter=st.sampled_from(["", "/", "b", "/a", "é"]),
    max_keys=st.integers(min_value=1, max_value=5),
)
def test_paginated_listing_matches_model(
    s3: BaseClient, keys: set[str], prefix: str, delimiter: str, max_keys: int
) -> None:
    name = f"prop-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    try:
        for key in keys:
            s3.put_object(Bucket=name, Key=key, Body=b"")
        expected = model_listing(keys, prefix, delimiter)
        params = {"Prefix": prefix, "Delimiter": delimiter, "MaxKeys": max_keys}
        for pages in (_walk_v2(s3, name, **params), _walk_v1(s3, name, **params)):
            got = [entry for page in pages for entry in _page_entries(page)]
            assert got == expected
            assert len(pages) == max(1, -(-len(expected) // max_keys))
            for page in pages[:-1]:
                assert len(_page_entries(page)) == max_keys
    finally:
        if keys:
            s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": k} for k in keys]})
        s3.delete_bucket(Bucket=name)


def test_empty_continuation_token_is_invalid_argument(
    s3: BaseClient, raw: Raw, listed: str
) -> None:
    """AWS answers an empty token 400 InvalidArgument naming continuation-token and no value
    (LocalStack's test_list_objects_v2_continuation_start_after, recorded against AWS)."""
    with raises_client_error("InvalidArgument", 400) as info:
        s3.list_objects_v2(Bucket=listed, ContinuationToken="")
    assert info.value.response["Error"]["Message"] == "The continuation token provided is incorrect"
    response = raw("GET", f"/{listed}", params={"list-type": "2", "continuation-token": ""})
    fields = assert_s3_error(response, "InvalidArgument", 400)
    assert fields["ArgumentName"] == "continuation-token"
    assert "ArgumentValue" not in fields


def test_v2_start_after_is_echoed_only_without_a_token(s3: BaseClient, listed: str) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html: StartAfter is
    echoed "if StartAfter was sent"; with a continuation token AWS leaves it out (LocalStack's
    recorded list-objects-start-after-token)."""
    first = s3.list_objects_v2(Bucket=listed, MaxKeys=2, StartAfter="a")
    assert first["StartAfter"] == "a"
    token = first["NextContinuationToken"]
    second = s3.list_objects_v2(Bucket=listed, MaxKeys=2, StartAfter="a", ContinuationToken=token)
    assert "StartAfter" not in second
    assert second["ContinuationToken"] == token
    assert _keys(second) == [k for k in utf8_sorted(KEYS) if k.encode() > b"a"][2:4]


def test_v1_unreadable_prefix(s3: BaseClient, raw: Raw, listed: str) -> None:
    """A control-character prefix matches nothing and comes back URL-encoded when boto3 asks
    for encoding-type=url, as https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
    lists Prefix among the encoded elements; boto3 decodes v1's Delimiter, Marker, NextMarker
    and keys but not Prefix (see ceph/s3-tests#327), so the caller reads "%0A" from AWS too."""
    page = s3.list_objects(Bucket=listed, Prefix="\n")
    assert (page["Prefix"], page["EncodingType"], page["IsTruncated"]) == ("%0A", "url", False)
    assert "Contents" not in page and "CommonPrefixes" not in page
    v2 = s3.list_objects_v2(Bucket=listed, Prefix="\n")
    assert (v2["Prefix"], v2["KeyCount"]) == ("\n", 0)  # boto3 decodes v2's Prefix
    root = xml_root(raw("GET", f"/{listed}", params={"prefix": "\x01", "encoding-type": "url"}))
    assert find_text(root, "Prefix") == "%01"


@pytest.mark.parametrize("version", ["list_objects", "list_objects_v2"])
def test_encoding_type_on_every_truncated_page(raw: Raw, listed: str, version: str) -> None:
    """Each page of a walk with encoding-type=url says EncodingType and encodes its markers:
    NextMarker (v1, with a delimiter) and StartAfter (v2) as well as keys and prefixes."""
    params: dict[str, str] = {"encoding-type": "url", "max-keys": "1", "delimiter": "+"}
    if version == "list_objects_v2":
        params.update({"list-type": "2", "start-after": "e f"})
    else:
        params["marker"] = "e f"
    seen: list[str] = []
    while True:
        root = xml_root(raw("GET", f"/{listed}", params=params))
        assert find_text(root, "EncodingType") == "url"
        assert find_text(root, "Delimiter") == "%2B"
        page = find_all_text(root, "Contents/Key") + find_all_text(root, "CommonPrefixes/Prefix")
        seen += page
        if version == "list_objects":
            assert find_text(root, "Marker") == quote(params["marker"])
        elif "continuation-token" not in params:
            assert find_text(root, "StartAfter") == "e%20f"
        else:
            assert find_text(root, "StartAfter") is None
        if find_text(root, "IsTruncated") != "true":
            break
        if version == "list_objects":
            assert find_text(root, "NextMarker") == page[-1]
            params["marker"] = unquote(page[-1])
        else:
            params["continuation-token"] = find_text(root, "NextContinuationToken") or ""
    after = [k for k in utf8_sorted(KEYS) if k.encode() > b"e f"]
    expected = [quote("plus+") if k == "plus+key" else quote(k) for k in after]
    assert seen == expected


def test_a_marker_inside_a_common_prefix_skips_the_rest_of_it(s3: BaseClient, vbucket: str) -> None:
    """The common prefix sorts before a key inside it, so a marker there resumes after the
    whole prefix, in every listing (AWS, recorded in LocalStack's validated
    test_list_objects_marker_common_prefixes and its versions and uploads twins)."""
    keys = ["folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1"]
    keys += ["folder/file2", "x"]
    for key in keys:
        s3.put_object(Bucket=vbucket, Key=key, Body=b"x")
    uploads = [s3.create_multipart_upload(Bucket=vbucket, Key=key)["UploadId"] for key in keys]
    marker = "folder/aSubfolder/subFile1"
    where = {"Bucket": vbucket, "Prefix": "folder/", "Delimiter": "/"}
    v1 = s3.list_objects(**where, Marker=marker, MaxKeys=1)
    assert [o["Key"] for o in v1["Contents"]] == ["folder/file1"]
    assert "CommonPrefixes" not in v1 and v1["NextMarker"] == "folder/file1"
    v2 = s3.list_objects_v2(**where, StartAfter=marker)
    assert [o["Key"] for o in v2["Contents"]] == ["folder/file1", "folder/file2"]
    assert "CommonPrefixes" not in v2
    versions = s3.list_object_versions(**where, KeyMarker=marker, MaxKeys=1)
    assert [v["Key"] for v in versions["Versions"]] == ["folder/file1"]
    assert versions["NextKeyMarker"] == "folder/file1" and "CommonPrefixes" not in versions
    listed = s3.list_multipart_uploads(**where, KeyMarker=marker, MaxUploads=1)
    assert [u["Key"] for u in listed["Uploads"]] == ["folder/file1"]
    assert (listed["NextKeyMarker"], listed["NextUploadIdMarker"]) == ("folder/file1", uploads[2])
    for key, upload_id in zip(keys, uploads, strict=True):
        s3.abort_multipart_upload(Bucket=vbucket, Key=key, UploadId=upload_id)


def test_listings_send_their_elements_in_s3_s_order(raw: Raw, s3: BaseClient, vbucket: str) -> None:
    """Name, markers and counts first, entries last; Owner before Buckets: the order of S3's
    answers, which streaming parsers (the AWS SDK for Java v1) rely on to put the bucket's
    name or owner on each entry (fakes3/protocol/wire_order.py)."""
    s3.put_object(Bucket=vbucket, Key="a/k", Body=b"x")
    s3.put_object(Bucket=vbucket, Key="b", Body=b"x")

    def children(path: str) -> list[str]:
        return [child.tag.rpartition("}")[2] for child in xml_root(raw("GET", path))]

    v1 = children(f"/{vbucket}?delimiter=/")
    assert v1 == ["Name", "Prefix", "Marker", "MaxKeys", "Delimiter", "IsTruncated"] + [
        "Contents",
        "CommonPrefixes",
    ]
    v2 = children(f"/{vbucket}?list-type=2&max-keys=1")
    assert v2 == ["Name", "Prefix", "NextContinuationToken", "KeyCount", "MaxKeys"] + [
        "IsTruncated",
        "Contents",
    ]
    versions = children(f"/{vbucket}?versions")
    assert versions[:6] == ["Name", "Prefix", "KeyMarker", "VersionIdMarker", "MaxKeys"] + [
        "IsTruncated"
    ]
    assert set(versions[6:]) == {"Version"}
    assert children("/")[:2] == ["Owner", "Buckets"]
