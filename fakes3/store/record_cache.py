"""Recently read object records of the SQLite index, kept decoded in memory.

A HEAD or GET on the directory backend read its record from SQLite every time: a SELECT, a
``datetime`` and, on first use of an attribute, a JSON decode, ~50 µs that the memory backend
does not pay. The index has one connection and every change goes through it, so it knows
exactly when a record stops being true:

- a write of a key (put, remove, a batch removal) drops that key at once, before its SQL runs;
  a change of many keys (versioning switched on, a bucket dropped) drops everything;
- a record read inside a transaction is never kept (it may be that transaction's own change,
  which a rollback would undo), and neither is one read while a write happened meanwhile
  (``generation`` moved), so the cache only ever holds committed state;
- a record written inside a transaction is staged, and kept only once that transaction
  commits (a rollback, even of a savepoint, forgets what was staged): a GET right after its
  PUT is served from here;
- a hit inside a transaction is still right: had the transaction written the key, the key
  would have been dropped.

- another process writing the same directory is seen through SQLite's ``data_version`` (it
  moves when another connection commits): a hit is served only while it has not moved since
  the cache last looked, else everything kept is dropped.

Records are frozen dataclasses, shared the way the memory index shares its own.
"""

from __future__ import annotations

from fakes3.store.records import ObjectRecord

MAX_RECORDS = 4096  # then start over: an LRU's bookkeeping would cost more than a miss
DROP_ALL_FROM = 64  # keys in one batch removal past which the whole cache is dropped


class RecordCache:
    __slots__ = ("_records", "_staged", "generation", "data_version")

    def __init__(self) -> None:
        self._records: dict[tuple[str, str], ObjectRecord] = {}
        self._staged: dict[tuple[str, str], ObjectRecord] = {}  # written, not yet committed
        self.generation = 0  # moves on every drop: a read that straddles one is not kept
        self.data_version = -1  # the database's data_version when the cache last looked

    def get(self, bucket: str, key: str) -> ObjectRecord | None:
        """The record, or None when it is not known here (absent keys are not kept)."""
        return self._records.get((bucket, key))

    def keep(self, bucket: str, record: ObjectRecord, generation: int) -> None:
        """Remember what a read outside any transaction found, if nothing changed since."""
        if generation != self.generation:
            return
        records = self._records
        if len(records) >= MAX_RECORDS:
            records.clear()
        records[(bucket, record.key)] = record

    def stage(self, bucket: str, record: ObjectRecord) -> None:
        """A record the open transaction wrote (its key was dropped first)."""
        self._staged[(bucket, record.key)] = record

    def committed(self) -> None:
        """The transaction committed: what it staged is now the state of its keys."""
        staged, self._staged = self._staged, {}
        if len(staged) > MAX_RECORDS:
            return  # a change that big (a bucket's worth) is not what the next reads want
        if len(self._records) + len(staged) > MAX_RECORDS:
            self._records.clear()
        self._records.update(staged)

    def rolled_back(self) -> None:
        self._staged.clear()

    def drop(self, bucket: str, key: str) -> None:
        self.generation += 1
        self._records.pop((bucket, key), None)
        self._staged.pop((bucket, key), None)

    def drop_many(self, bucket: str, keys: list[str]) -> None:
        """``drop`` of each key, walking whichever is smaller: the keys or what is kept; a
        batch of more than ``DROP_ALL_FROM`` keys drops everything (cheaper than its walk)."""
        if len(keys) > DROP_ALL_FROM:
            self.drop_all()
            return
        self.generation += 1
        for kept in (self._records, self._staged):
            if not kept:
                continue
            if len(kept) < len(keys):
                doomed = set(keys)
                for found in [name for name in kept if name[0] == bucket and name[1] in doomed]:
                    del kept[found]
            else:
                for key in keys:
                    kept.pop((bucket, key), None)

    def drop_all(self) -> None:
        self.generation += 1
        self._records.clear()
        self._staged.clear()
