"""A test module written for moto's S3 mocking runs unchanged with fakes3's ``mock_aws``.

The same module runs under moto first (so it is a faithful moto-style module), then with the
one import switched.
"""

from __future__ import annotations

from collections.abc import Callable

import moto  # noqa: F401 - a test dependency: the comparison needs the real thing
import pytest

# Imported here, not first inside an inner run: pytester's in-process runs drop modules first
# imported inside them, and a second run would import them afresh while requests keeps the
# old ones (its cookie jar checks then fail).
import responses  # noqa: F401

Run = Callable[..., pytest.RunResult]

MOTO_STYLE = '''
import os
import unittest

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

{import_line}


@pytest.fixture
def aws_credentials():
    """Mocked AWS Credentials for moto."""
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    os.environ["AWS_SECURITY_TOKEN"] = "testing"
    os.environ["AWS_SESSION_TOKEN"] = "testing"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"


@pytest.fixture
def s3(aws_credentials):
    with mock_aws():
        yield boto3.client("s3", region_name="us-east-1")


def test_put_get_list_delete(s3):
    s3.create_bucket(Bucket="mybucket")
    s3.put_object(Bucket="mybucket", Key="dir/a.txt", Body=b"alpha", Metadata={{"k": "v"}})
    s3.put_object(Bucket="mybucket", Key="dir/b.txt", Body=b"beta")
    obj = s3.get_object(Bucket="mybucket", Key="dir/a.txt")
    assert obj["Body"].read() == b"alpha" and obj["Metadata"] == {{"k": "v"}}
    page = s3.list_objects_v2(Bucket="mybucket", Prefix="dir/")
    assert [o["Key"] for o in page["Contents"]] == ["dir/a.txt", "dir/b.txt"]
    s3.delete_object(Bucket="mybucket", Key="dir/a.txt")
    assert s3.list_objects_v2(Bucket="mybucket")["KeyCount"] == 1


def test_errors(s3):
    s3.create_bucket(Bucket="errors")
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket="errors", Key="nope")
    assert missing.value.response["Error"]["Code"] == "NoSuchKey"
    with pytest.raises(ClientError) as head:
        s3.head_object(Bucket="errors", Key="nope")
    assert head.value.response["Error"]["Code"] == "404"
    with pytest.raises(s3.exceptions.NoSuchBucket):
        s3.list_objects_v2(Bucket="never-made")


def test_resource_and_copy(s3):
    resource = boto3.resource("s3", region_name="us-east-1")
    bucket = resource.Bucket("resources")
    bucket.create()
    bucket.put_object(Key="src", Body=b"copied")
    source = {{"Bucket": "resources", "Key": "src"}}
    resource.Object("resources", "dst").copy_from(CopySource=source)
    assert resource.Object("resources", "dst").get()["Body"].read() == b"copied"
    assert sorted(o.key for o in bucket.objects.all()) == ["dst", "src"]


def test_presigned_url_with_requests(s3):
    s3.create_bucket(Bucket="shared")
    s3.put_object(Bucket="shared", Key="report.csv", Body=b"a,b")
    params = {{"Bucket": "shared", "Key": "report.csv"}}
    url = s3.generate_presigned_url("get_object", Params=params)
    assert requests.get(url).content == b"a,b"


@mock_aws
def test_decorated_in_another_region():
    client = boto3.client("s3", region_name="eu-west-1")
    client.create_bucket(
        Bucket="eu-bucket", CreateBucketConfiguration={{"LocationConstraint": "eu-west-1"}}
    )
    assert client.get_bucket_location(Bucket="eu-bucket")["LocationConstraint"] == "eu-west-1"
    client.put_object(Bucket="eu-bucket", Key="k", Body=b"v")
    assert client.get_object(Bucket="eu-bucket", Key="k")["Body"].read() == b"v"


@mock_aws
def test_state_does_not_leak_from_other_tests():
    client = boto3.client("s3", region_name="us-east-1")
    assert client.list_buckets()["Buckets"] == []


@mock_aws
class TestWithUnittest(unittest.TestCase):
    def setUp(self):
        self.client = boto3.client("s3", region_name="us-east-1")
        self.client.create_bucket(Bucket="unit")

    def test_object(self):
        self.client.put_object(Bucket="unit", Key="k", Body=b"1")
        self.assertEqual(self.client.list_objects_v2(Bucket="unit")["KeyCount"], 1)
'''


@pytest.mark.parametrize(
    "import_line",
    ["from moto import mock_aws", "from fakes3 import mock_aws"],
    ids=["moto", "fakes3"],
)
def test_moto_style_module_runs_unchanged(
    pytester: pytest.Pytester, run: Run, import_line: str
) -> None:
    pytester.makepyfile(test_moto_style_module=MOTO_STYLE.format(import_line=import_line))
    run("-p", "no:randomly").assert_outcomes(passed=7)


def test_moto_server_mode_suite_against_a_fakes3_server(
    pytester: pytest.Pytester, run_subprocess: Run
) -> None:
    """moto's server mode (``TEST_SERVER_MODE=true``) sends every client to the endpoint and
    resets it through ``POST /moto-api/reset``: the same module passes against fakes3."""
    from fakes3.app import FakeS3
    from fakes3.server import Server

    pytester.makepyfile(test_moto_style=MOTO_STYLE.format(import_line="from moto import mock_aws"))
    app = FakeS3()
    with Server(app, port=0) as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("TEST_SERVER_MODE", "true")
        mp.setenv("TEST_SERVER_MODE_ENDPOINT", server.endpoint_url)
        result = run_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=7)
    assert not app.errors and not server.errors
    # moto resets around every mocked test (test_state_does_not_leak... depends on it); each
    # reset clears the journal, so it begins with the last one
    assert app.journal[0].path == "/moto-api/reset"


PUBLIC_ACL_MODULE = """
import boto3

{import_line}


@mock_aws
def test_public_read_bucket_as_moto_makes_it():
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="old-style", ACL="public-read")
    s3.put_object(Bucket="old-style", Key="k", Body=b"x", ACL="public-read")
    grants = s3.get_object_acl(Bucket="old-style", Key="k")["Grants"]
    assert {{g["Permission"] for g in grants}} == {{"READ", "FULL_CONTROL"}}
"""


def test_bucket_defaults_variable_runs_a_moto_module_with_old_style_buckets(
    pytester: pytest.Pytester, run_subprocess: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto makes buckets with ACLs on; S3 and fakes3 refuse a public ACL since April 2023.
    ``FAKES3_BUCKET_DEFAULTS=legacy`` switches a whole moto-style suite without editing it."""
    pytester.makepyfile(
        test_acl=PUBLIC_ACL_MODULE.format(import_line="from fakes3 import mock_aws")
    )
    monkeypatch.delenv("FAKES3_BUCKET_DEFAULTS", raising=False)
    refused = run_subprocess("-p", "no:randomly")
    refused.assert_outcomes(failed=1)
    assert "InvalidBucketAclWithObjectOwnership" in refused.stdout.str()
    monkeypatch.setenv("FAKES3_BUCKET_DEFAULTS", "legacy")
    run_subprocess("-p", "no:randomly").assert_outcomes(passed=1)
    monkeypatch.setenv("FAKES3_BUCKET_DEFAULTS", "old")
    bad = run_subprocess("-p", "no:randomly")  # the decorator, at import: a collection error
    bad.assert_outcomes(errors=1)
    assert "bucket defaults must be aws or legacy, not 'old'" in bad.stdout.str()


def test_bucket_defaults_variable_reaches_the_plugins_servers(
    pytester: pytest.Pytester, run_subprocess: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_plugin_acl="""
        def test_public_bucket(s3_client):
            s3_client.create_bucket(Bucket="old-style", ACL="public-read")
            grants = s3_client.get_bucket_acl(Bucket="old-style")["Grants"]
            assert any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in grants)
        """
    )
    monkeypatch.setenv("FAKES3_BUCKET_DEFAULTS", "legacy")
    run_subprocess("-p", "no:randomly").assert_outcomes(passed=1)
    monkeypatch.delenv("FAKES3_BUCKET_DEFAULTS")
    run_subprocess("-p", "no:randomly").assert_outcomes(failed=1)
