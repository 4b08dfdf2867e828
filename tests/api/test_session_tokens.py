"""Session tokens (``x-amz-security-token``), held to account in strict mode as S3 holds them.

- Long-term keys (an account given no token) must send none: S3 answers ``InvalidToken`` (400)
  to one (botocore's test_bad_request_on_invalid_credentials, run against AWS).
- Temporary credentials (an account given a token, the spec's sixth part) must send theirs:
  without it the key is unknown (``InvalidAccessKeyId``), with another it is ``InvalidToken``.
- Other modes let any token pass: SDK environments often carry one for keys fakes3 was not told.
"""

from __future__ import annotations

import pytest
import requests
from api_helpers import assert_s3_error, unique_bucket_name
from auth_servers import TEMP_TOKEN, V4, Running, mode_of
from botocore.exceptions import ClientError

from fakes3.auth import parse_account


def test_the_spec_sixth_part_is_the_session_token() -> None:
    account = parse_account("ASIAX:s3cret::Temp:temp@example.com:tok/en+=")
    assert (account.display_name, account.email, account.session_token) == (
        "Temp",
        "temp@example.com",
        "tok/en+=",
    )
    assert parse_account("AKIAX:s3cret").session_token == ""


@pytest.mark.parametrize(
    ("key", "secret", "token", "code"),
    [
        ("alice", "alice-secret", None, None),
        ("alice", "alice-secret", "bad-token-causes-400", "InvalidToken"),
        ("ASIATEMP", "temp-secret", TEMP_TOKEN, None),
        ("ASIATEMP", "temp-secret", "another-token", "InvalidToken"),
        ("ASIATEMP", "temp-secret", None, "InvalidAccessKeyId"),
    ],
    ids=["long-term", "long-term-with-token", "temporary", "wrong-token", "token-missing"],
)
def test_tokens_in_headers_presigned_urls_and_forms(
    auth_server: Running,
    auth_http: requests.Session,
    key: str,
    secret: str,
    token: str | None,
    code: str | None,
) -> None:
    owner = auth_server.client("ASIATEMP", "temp-secret", aws_session_token=TEMP_TOKEN)
    name = unique_bucket_name("token")
    owner.create_bucket(Bucket=name)
    owner.put_object(Bucket=name, Key="k", Body=b"kept")
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
        f'"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::{name}/*"}}]}}'
    )
    owner.delete_public_access_block(Bucket=name)
    owner.put_bucket_policy(Bucket=name, Policy=policy)  # whoever signs may read and write
    caller = auth_server.client(key, secret, aws_session_token=token, config=V4)
    url = caller.generate_presigned_url("get_object", Params={"Bucket": name, "Key": "k"})
    form = caller.generate_presigned_post(name, "posted")
    if code is None or mode_of(auth_server) != "strict":
        assert caller.get_object(Bucket=name, Key="k")["Body"].read() == b"kept"
        assert auth_http.get(url).content == b"kept"
        posted = auth_http.post(form["url"], data=form["fields"], files={"file": ("f", b"p")})
        assert posted.status_code == 204, posted.text
        return
    status = 403 if code == "InvalidAccessKeyId" else 400
    with pytest.raises(ClientError) as caught:
        caller.put_object(Bucket=name, Key="k", Body=b"overwritten")
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert_s3_error(auth_http.get(url), code, status)
    posted = auth_http.post(form["url"], data=form["fields"], files={"file": ("f", b"p")})
    assert_s3_error(posted, code, status)
    assert owner.get_object(Bucket=name, Key="k")["Body"].read() == b"kept"
    assert owner.list_objects_v2(Bucket=name)["KeyCount"] == 1
