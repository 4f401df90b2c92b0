"""One paginator per paging style, chosen by name in the endpoint catalogue. Each yields the
API's pages in order and stops at the end; a link or cursor seen twice is an error, not a loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from ..errors import GenesysEltError

Call = Callable[..., dict]
MAX_PAGES = 100_000


class PagingLoop(GenesysEltError):
    pass


@dataclass(frozen=True)
class FollowLink:
    """The page names the next one: ``nextUri`` (page numbers, ``after`` cursors) or ``nextPageUri``.
    The link is followed as given; page numbers are never computed."""

    link: str = "nextUri"

    def pages(self, call: Call, path: str, params: dict) -> Iterator[dict]:
        page = call("GET", path, params=params)
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            yield page
            nxt = page.get(self.link) if isinstance(page, dict) else None
            if not nxt:
                return
            if nxt in seen:
                raise PagingLoop(f"{path}: {self.link} repeated an earlier page")
            seen.add(nxt)
            page = call("GET", nxt)
        raise PagingLoop(f"{path}: more than {MAX_PAGES} pages")


@dataclass(frozen=True)
class Cursor:
    """The page carries a cursor to send back as a query parameter; optionally a ``hasMore`` flag."""

    param: str = "cursor"
    key: str = "cursor"
    has_more: str | None = None

    def pages(self, call: Call, path: str, params: dict) -> Iterator[dict]:
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            page = call("GET", path, params={**params, **({self.param: cursor} if cursor else {})})
            yield page
            cursor = page.get(self.key) if isinstance(page, dict) else None
            if not cursor or (self.has_more and not page.get(self.has_more)):
                return
            if cursor in seen:
                raise PagingLoop(f"{path}: cursor repeated")
            seen.add(cursor)
        raise PagingLoop(f"{path}: more than {MAX_PAGES} pages")


@dataclass(frozen=True)
class Single:
    """Not paged: one answer."""

    def pages(self, call: Call, path: str, params: dict) -> Iterator[dict]:
        yield call("GET", path, params=params)


PAGINATORS = {
    "next_uri": FollowLink("nextUri"),
    "next_page_uri": FollowLink("nextPageUri"),
    "cursor": Cursor(),
    "cursor_has_more": Cursor(has_more="hasMore"),
    "single": Single(),
}
