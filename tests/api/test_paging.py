"""The paginators, on fixed pages and on random and hostile ones (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from genesys_elt.api.paging import Cursor, FollowLink, PagingLoop


def pages_from(mapping):
    def call(method, path, params=None):
        key = path if not params or "cursor" not in params else params["cursor"]
        return mapping[key]

    return call


def test_follow_link_walks_to_the_end_and_guards_against_loops():
    pages = {
        "/a": {"entities": [1], "nextUri": "/b"},
        "/b": {"entities": [], "nextUri": "/c"},
        "/c": {"entities": [2], "nextUri": None},
    }
    assert [p["entities"] for p in FollowLink().pages(pages_from(pages), "/a", {})] == [[1], [], [2]]
    looping = {"/a": {"nextUri": "/b"}, "/b": {"nextUri": "/a"}}
    with pytest.raises(PagingLoop):
        list(FollowLink().pages(pages_from(looping), "/a", {}))


def test_cursor_stops_on_has_more_false_and_refuses_a_repeated_cursor():
    def call(method, path, params=None):
        cursor = (params or {}).get("cursor")
        return {
            None: {"events": [1], "cursor": "x", "hasMore": True},
            "x": {"events": [2], "cursor": "y", "hasMore": False},
        }[cursor]

    assert [p["events"] for p in Cursor(has_more="hasMore").pages(call, "/q", {})] == [[1], [2]]

    def stuck(method, path, params=None):
        return {"conversations": [], "cursor": "same"}

    with pytest.raises(PagingLoop):
        list(Cursor().pages(stuck, "/q", {}))


page_contents = st.lists(st.lists(st.integers(), max_size=5), min_size=1, max_size=30)  # empty pages included


@given(contents=page_contents, link=st.sampled_from(["nextUri", "nextPageUri"]))
def test_follow_link_yields_every_page_once_in_order_even_empty_ones(contents, link):
    pages = {
        f"/p{i}": {"entities": entities, link: f"/p{i + 1}" if i + 1 < len(contents) else None}
        for i, entities in enumerate(contents)
    }
    calls = []

    def call(method, path, params=None):
        calls.append(path)
        return pages[path]

    assert [p["entities"] for p in FollowLink(link).pages(call, "/p0", {})] == contents
    assert calls == list(pages)


@given(contents=page_contents, back_to=st.integers(min_value=0, max_value=29))
def test_a_link_back_to_an_earlier_page_is_a_loop_not_an_endless_walk(contents, back_to):
    back_to = back_to % len(contents)
    pages = {f"/p{i}": {"entities": e, "nextUri": f"/p{i + 1}"} for i, e in enumerate(contents)}
    pages[f"/p{len(contents) - 1}"]["nextUri"] = f"/p{back_to}" if back_to else "/p1" if len(contents) > 1 else "/p0"
    assume(pages[f"/p{len(contents) - 1}"]["nextUri"] != "/p0" or len(contents) == 1)
    walked = []
    with pytest.raises(PagingLoop):
        for page in FollowLink().pages(lambda m, path, params=None: pages[path], "/p0", {}):
            walked.append(page)
            assert len(walked) <= len(contents) + 2


@given(contents=page_contents, repeat_at=st.integers(min_value=0, max_value=29), has_more=st.booleans())
def test_a_cursor_that_repeats_is_refused(contents, repeat_at, has_more):
    assume(len(contents) >= 2)
    cursors = [f"c{i}" for i in range(len(contents))]
    repeat_at = repeat_at % (len(contents) - 1)
    cursors[-1] = cursors[repeat_at]  # the last page hands back an earlier cursor

    def call(method, path, params=None):
        index = 0 if not (params or {}).get("cursor") else int(params["cursor"][1:]) + 1
        if index >= len(contents):
            return {"events": [], "hasMore": False}
        return {"events": contents[index], "cursor": cursors[index], "hasMore": True}

    paginator = Cursor(has_more="hasMore") if has_more else Cursor()
    with pytest.raises(PagingLoop):
        list(paginator.pages(call, "/q", {}))
