"""Strong mode is indistinguishable from the plain store: random operation sequences give
identical answers with the consistency layer in place (the view installed with strong rules,
or the checker, which answers strongly while it records) and without it."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from fakes3.errors import S3Error
from fakes3.store import open_store
from fakes3.store.consistency_control import Consistency
from fakes3.store.store import NewObject, Store

KEYS = st.sampled_from(["a", "a/b", "b", "c/d/e", "é"])
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), KEYS, st.binary(max_size=8)),
        st.tuples(st.just("delete"), KEYS, st.none()),
        st.tuples(st.just("get"), KEYS, st.none()),
        st.tuples(st.just("list"), st.sampled_from(["", "a", "c/"]), st.none()),
        st.tuples(st.just("versions"), st.just(""), st.none()),
        st.tuples(st.just("versioning"), st.sampled_from(["Enabled", "Suspended"]), st.none()),
    ),
    max_size=25,
)


def _answers(store: Store, ops: list[tuple[str, str, bytes | None]]) -> list[object]:
    store.create_bucket("b", "us-east-1")
    out: list[object] = []
    for op, arg, data in ops:
        try:
            if op == "put":
                record = store.put_object("b", arg, io.BytesIO(data or b""), NewObject())
                out.append(record.etag)
            elif op == "delete":
                out.append(store.delete_object("b", arg).delete_marker)
            elif op == "get":
                record, reader = store.read_object("b", arg, lambda r: (0, r.size))
                out.append((record.etag, b"".join(reader)))
                reader.close()
            elif op == "list":
                page = store.list_objects("b", prefix=arg, delimiter="/")
                out.append(([r.key for r in page.objects], page.prefixes))
            elif op == "versions":
                page = store.list_versions("b")
                out.append([(r.key, r.etag, r.delete_marker) for r in page.objects])
            else:
                out.append(store.set_versioning("b", arg).versioning)
        except S3Error as error:
            out.append(error.code)
    return out


@settings(max_examples=60, deadline=None)
@given(ops=OPS, preset=st.sampled_from(["strong-with-view", "checker"]))
def test_strong_and_checker_answer_as_the_plain_store(
    ops: list[tuple[str, str, bytes | None]], preset: str
) -> None:
    plain = open_store()
    layered = open_store()
    consistency = Consistency(layered)
    if preset == "checker":
        consistency.set("checker")
    else:  # a request once asked for a weaker mode: the view stays, serving strong rules
        consistency._requested = True
        consistency._apply()
    assert layered.view is not None
    assert _answers(plain, ops) == _answers(layered, ops)


def test_the_comparison_sees_a_weaker_mode() -> None:
    """The same harness tells aws-2020 apart from the plain store (so the property can fail)."""
    ops: list[tuple[str, str, bytes | None]] = [
        ("put", "a", b"1"),
        ("put", "a", b"2"),
        ("get", "a", None),
    ]
    layered = open_store()
    Consistency(layered).set("aws-2020")
    assert _answers(open_store(), ops) != _answers(layered, ops)
