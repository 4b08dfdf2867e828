"""Sub-resource writes on a key whose current version is a delete marker.

GET of such a key is NoSuchKey (with ``x-amz-delete-marker``), but S3 refuses PutObjectAcl and
the object-tagging operations on the marker itself: 405 MethodNotAllowed, ``ResourceType``
DeleteMarker, as with a marker named by version id (LocalStack's AWS-validated
test_object_tagging_versioned and test_put_object_acl_on_delete_marker).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fakes3.errors import MethodNotAllowed, NoSuchKey


@contextmanager
def refused_on_markers() -> Iterator[None]:
    """Turn the NoSuchKey of a current delete marker into S3's 405 (the app names the
    method used)."""
    try:
        yield
    except NoSuchKey as error:
        if not error.members.get("DeleteMarker"):
            raise
        refusal = MethodNotAllowed(Method="GET", ResourceType="DeleteMarker")
        raise refusal.with_members(**error.members) from None
