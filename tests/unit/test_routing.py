"""Routing compiled from the model: method + target + query + headers -> operation."""

from __future__ import annotations

import dataclasses
import random

import pytest

from fakes3.errors import InvalidArgument, InvalidURI
from fakes3.protocol.model import load_model
from fakes3.protocol.routing import (
    BUCKET,
    OBJECT,
    SERVICE,
    Router,
    default_router,
    parse_query,
)


@pytest.mark.parametrize(
    ("method", "target", "query", "headers", "operation"),
    [
        ("GET", SERVICE, {}, set(), "ListBuckets"),
        ("PUT", BUCKET, {}, set(), "CreateBucket"),
        ("HEAD", BUCKET, {}, set(), "HeadBucket"),
        ("DELETE", BUCKET, {}, set(), "DeleteBucket"),
        ("GET", BUCKET, {}, set(), "ListObjects"),
        ("GET", BUCKET, {"list-type": "2"}, set(), "ListObjectsV2"),
        ("GET", BUCKET, {"location": ""}, set(), "GetBucketLocation"),
        ("GET", BUCKET, {"versioning": ""}, set(), "GetBucketVersioning"),
        ("GET", BUCKET, {"lifecycle": ""}, set(), "GetBucketLifecycleConfiguration"),
        ("GET", BUCKET, {"analytics": ""}, set(), "ListBucketAnalyticsConfigurations"),
        ("GET", BUCKET, {"analytics": "", "id": "x"}, set(), "GetBucketAnalyticsConfiguration"),
        ("POST", BUCKET, {"delete": ""}, set(), "DeleteObjects"),
        ("PUT", OBJECT, {}, set(), "PutObject"),
        ("PUT", OBJECT, {}, {"x-amz-copy-source"}, "CopyObject"),
        ("PUT", OBJECT, {"partNumber": "1", "uploadId": "u"}, set(), "UploadPart"),
        (
            "PUT",
            OBJECT,
            {"partNumber": "1", "uploadId": "u"},
            {"x-amz-copy-source"},
            "UploadPartCopy",
        ),
        ("GET", OBJECT, {}, set(), "GetObject"),
        ("GET", OBJECT, {"x-id": "GetObject"}, set(), "GetObject"),
        ("GET", OBJECT, {"uploadId": "u"}, set(), "ListParts"),
        ("GET", OBJECT, {"acl": ""}, set(), "GetObjectAcl"),
        ("GET", OBJECT, {"tagging": ""}, set(), "GetObjectTagging"),
        ("DELETE", OBJECT, {}, set(), "DeleteObject"),
        ("DELETE", OBJECT, {"uploadId": "u"}, set(), "AbortMultipartUpload"),
        ("POST", OBJECT, {"uploads": ""}, set(), "CreateMultipartUpload"),
        ("POST", OBJECT, {"uploadId": "u"}, set(), "CompleteMultipartUpload"),
        ("HEAD", OBJECT, {}, set(), "HeadObject"),
    ],
)
def test_request_routes_to_operation(
    method: str, target: str, query: dict[str, str], headers: set[str], operation: str
) -> None:
    route = default_router().match(method, target, query, headers)
    assert route is not None
    assert route.operation == operation


@pytest.mark.parametrize(
    ("method", "target", "query"),
    [("POST", BUCKET, {}), ("PATCH", OBJECT, {}), ("POST", OBJECT, {})],
)
def test_request_without_operation_has_no_route(
    method: str, target: str, query: dict[str, str]
) -> None:
    assert default_router().match(method, target, query, set()) is None


@pytest.mark.parametrize(
    ("method", "target", "query", "names"),
    [
        ("PUT", BUCKET, {"tagging": "", "versioning": ""}, "tagging, versioning"),
        ("GET", BUCKET, {"versioning": "", "acl": ""}, "acl, versioning"),
        ("DELETE", BUCKET, {"tagging": "", "cors": ""}, "cors, tagging"),
        ("POST", OBJECT, {"uploads": "", "uploadId": "u"}, "uploadId, uploads"),
        ("GET", OBJECT, {"acl": "", "tagging": "", "retention": ""}, "acl, retention, tagging"),
    ],
)
def test_two_sub_resources_conflict(
    method: str, target: str, query: dict[str, str], names: str
) -> None:
    """S3 runs neither (it ran one: ``PUT ?tagging&versioning`` stored the tags)."""
    with pytest.raises(InvalidArgument) as refused:
        default_router().match(method, target, query, set())
    assert refused.value.text == f"Conflicting query string parameters: {names}"
    assert refused.value.fields == {
        "ArgumentName": "ResourceType",
        "ArgumentValue": names.split(",")[0],
    }


def test_a_sub_resource_lacking_its_header_is_still_its_operation() -> None:
    """``GET ?attributes`` without x-amz-object-attributes (boto3 with ObjectAttributes=[])
    was GetObject, and the object's bytes came back; its own handler refuses it."""
    route = default_router().match("GET", OBJECT, {"attributes": ""}, set())
    assert route is not None and route.operation == "GetObjectAttributes"


@pytest.mark.parametrize(
    ("method", "target", "query"),
    [
        ("HEAD", OBJECT, {"acl": ""}),  # S3: 405
        ("PUT", BUCKET, {"location": ""}),  # was CreateBucket
        ("DELETE", BUCKET, {"uploads": ""}),  # was DeleteBucket
        ("GET", OBJECT, {"delete": ""}),  # was GetObject
    ],
)
def test_a_sub_resource_the_method_does_not_have_has_no_route(
    method: str, target: str, query: dict[str, str]
) -> None:
    assert default_router().match(method, target, query, set()) is None


@pytest.mark.parametrize(
    ("method", "target", "query", "missing"),
    [
        ("DELETE", BUCKET, {"metrics": ""}, "id"),  # was DeleteBucket
        ("DELETE", BUCKET, {"analytics": ""}, "id"),
        ("PUT", OBJECT, {"uploadId": "u"}, "partNumber"),  # was PutObject
    ],
)
def test_a_sub_resource_without_its_required_parameter_is_invalid_argument(
    method: str, target: str, query: dict[str, str], missing: str
) -> None:
    with pytest.raises(InvalidArgument) as refused:
        default_router().match(method, target, query, set())
    assert refused.value.fields == {"ArgumentName": missing}


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        (
            {"start-after": "a"},
            "start-after",
            "startAfter only supported in REST.GET.BUCKET with list-type=2",
        ),
        (
            {"continuation-token": "", "start-after": "a"},
            "continuation-token",
            "continuation-token only supported in REST.GET.BUCKET with list-type=2",
        ),
        (
            {"list-type": "2", "marker": "a"},
            "marker",
            "Marker unsupported with REST.GET.BUCKET in list-type=2",
        ),
    ],
)
def test_a_parameter_of_the_other_listing_version_is_refused(
    query: dict[str, str], name: str, message: str
) -> None:
    with pytest.raises(InvalidArgument) as refused:
        default_router().match("GET", BUCKET, query, set())
    assert (refused.value.text, refused.value.fields) == (message, {"ArgumentName": name})


@pytest.mark.parametrize(
    ("method", "target", "query", "operation"),
    [
        ("GET", BUCKET, {"list-type": "3", "marker": "a"}, "ListObjects"),
        ("GET", OBJECT, {"tagging": "", "versionId": "v"}, "GetObjectTagging"),
        ("PUT", OBJECT, {"partNumber": "1", "uploadId": "u"}, "UploadPart"),
        ("GET", BUCKET, {"uploads": "", "prefix": "p", "max-uploads": "1"}, "ListMultipartUploads"),
        ("GET", BUCKET, {"versions": "", "key-marker": "k"}, "ListObjectVersions"),
        ("GET", BUCKET, {"session": "", "list-type": "2"}, "ListObjectsV2"),
        ("GET", BUCKET, {"analytics": "", "id": "x"}, "GetBucketAnalyticsConfiguration"),
    ],
)
def test_a_sub_resource_with_its_parameters_is_no_conflict(
    method: str, target: str, query: dict[str, str], operation: str
) -> None:
    route = default_router().match(method, target, query, set())
    assert route is not None and route.operation == operation


def test_every_bucket_and_object_operation_in_the_model_is_routable() -> None:
    """Each operation addressed by bucket or key is reachable through some request."""
    model = load_model()
    router = default_router()
    unreachable = []
    for name, spec in model.operations.items():
        path = spec["http"]["requestUri"].partition("?")[0]
        if path not in ("/", "/{Bucket}", "/{Bucket}/{Key+}"):
            continue
        target = SERVICE if path == "/" else OBJECT if "Key" in path else BUCKET
        if not any(r.operation == name for r in router.candidates(spec["http"]["method"], target)):
            unreachable.append(name)
    assert unreachable == []


def test_query_parsing_keeps_blank_values_and_decodes_plus_as_space() -> None:
    assert parse_query("acl&prefix=a+b%2Bc&max-keys=2&prefix=x") == {
        "acl": "",
        "prefix": "a b+c",
        "max-keys": "2",
    }


@pytest.mark.parametrize("query", ["prefix=%FF", "marker=%C3", "%FE=1", "a=%E2%82"])
def test_query_that_is_not_utf8_is_invalid_uri(query: str) -> None:
    """As a path of bytes that are not UTF-8: nothing is replaced by U+FFFD and served."""
    with pytest.raises(InvalidURI):
        parse_query(query)
    assert parse_query("prefix=%E2%82%AC") == {"prefix": "€"}


def test_the_quick_rejection_never_changes_the_route_chosen() -> None:
    """``Route.first_need`` lets the router skip a route without calling ``matches``; over
    random queries and headers the router must choose (or refuse) exactly as it does when
    every route is tried in full."""
    router = Router(load_model())
    full = Router(load_model())
    full._table = {
        where: [dataclasses.replace(route, first_need=None) for route in routes]
        for where, routes in full._table.items()
    }
    routes = [route for listed in router._table.values() for route in listed]
    assert all(
        route.first_need is None
        or route.first_need in route.required_query
        or route.first_need in dict(route.literals)
        for route in routes
    )
    literal_values = {name: value for route in routes for name, value in route.literals if value}
    names = sorted(
        {name for route in routes for name, _ in route.literals}
        | {name for route in routes for name in route.required_query}
        | {"x-id", "versionId"}
    )
    header_names = sorted({name for route in routes for name in route.required_headers})
    rng = random.Random(11)

    def outcome(chosen: Router, *args: object) -> str:
        try:
            found = chosen.match(*args)  # type: ignore[arg-type]
        except InvalidArgument as error:
            return f"error: {error.text}"
        return found.operation if found is not None else "none"

    for _ in range(4000):
        method, target = rng.choice(sorted(router._table))
        picked = rng.sample(names, rng.choice((0, 0, 1, 1, 2, 3)))
        query = {
            name: literal_values.get(name, "v") if rng.random() < 0.8 else "" for name in picked
        }
        headers = set(rng.sample(header_names, rng.choice((0, 0, 1))))
        args = (method, target, query, headers)
        assert outcome(router, *args) == outcome(full, *args), args
