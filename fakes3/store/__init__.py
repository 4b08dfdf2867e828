"""S3 semantics over a metadata index and a blob store (memory or directory backed)."""

from fakes3.store.listing import ListPage
from fakes3.store.records import BucketRecord, ObjectRecord
from fakes3.store.store import Store, open_store

__all__ = ["BucketRecord", "ListPage", "ObjectRecord", "Store", "open_store"]
