"""Pagination: one loop, the limits every listing keeps, and the ways vendors say where
the next page is.

`follow(client, path, params, next_page)` yields each page's parsed JSON body;
`next_page(response, body)` returns the next request as `(url, params)` or None (a
`ValueError` for a next page it cannot read). The strategies below cover what our
vendors use: page numbers (RT, Halo), a page number in the body (NOC Console's JSON API),
RFC 5988 `Link` headers (ConnectWise), a next-page URL in the body (RT's `next_page`,
Autotask's `pageDetails.nextPageUrl`), opaque cursors (Jira, Zendesk) and a keyset, the
same query again from the last change marker seen (Halo). The first request may carry
a JSON body (Autotask's query by POST).

A server can keep a listing going forever: by sending us to a page we read already, by
serving the same records on every "next" page, or by announcing one more page without
end, slowly. `PageGuard` stops each of these with `ConnectorUnavailable` (one line for
the status bar). Its limits are `HttpSettings.max_pages` and `listing_deadline`; each
request has its own deadline too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from noc_console.connectors.errors import ConnectorUnavailable
from noc_console.connectors.http.client import HttpClient, parse_json, reading

log = logging.getLogger(__name__)

Params = Mapping[str, Any]
NextPage = Callable[[requests.Response, Any], tuple[str, Params] | None]
#: Whether a body (of the page with this number) is the listing's last page.
LastPage = Callable[[Any, int], bool]
Send = Callable[..., requests.Response]
_NOTHING = object()


class PageGuard:
    """The limits of one listing (`what` names it in messages): call `next(marker)`
    before requesting each page and `served(items)` with each page's records."""

    def __init__(self, client: HttpClient, what: str,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.name = client.name
        self.what = what
        self.max_pages = client.settings.max_pages
        self.seconds = client.settings.listing_deadline
        self._clock = clock
        self._ends_at = clock() + self.seconds
        self._seen: set[Hashable] = set()
        self._previous: Any = _NOTHING
        self.pages = 0

    def next(self, marker: Hashable, label: str) -> None:
        """Before requesting a page; `marker` identifies the request, `label` names it."""
        where = f"{self.name}: {self.what}"
        if marker in self._seen:
            raise ConnectorUnavailable(
                f"{where}: the server sent us to the same page again ({label}) — its "
                "paging loops; check the server"
            )
        self._seen.add(marker)
        if self.pages >= self.max_pages:
            raise ConnectorUnavailable(
                f"{where}: more than {self.max_pages} pages — the server keeps announcing "
                "another page; check its paging (a listing stops there)"
            )
        if self._clock() > self._ends_at:
            raise ConnectorUnavailable(
                f"{where}: still paging after the listing deadline of {self.seconds:g} s "
                f"({self.pages} pages read) — the server is too slow or its listing does "
                "not end; check the server"
            )
        self.pages += 1

    def served(self, items: Any) -> None:
        """After a page: the records of the page before, again, mean the server ignores
        the page asked for (a real next page never repeats the whole previous one)."""
        if items == self._previous:
            raise ConnectorUnavailable(
                f"{self.name}: {self.what}: page {self.pages} holds the same records as "
                "the page before — the server ignores the page asked for; check the server"
            )
        self._previous = items


def follow(
    client: HttpClient, path: str, params: Params, next_page: NextPage, method: str = "GET",
    headers: Mapping[str, str] | None = None, items: Callable[[Any], Any] | None = None,
    body: Any = None, send: Send | None = None,
) -> Iterator[Any]:  # fmt: skip
    """Each page's body. The first request is `method` with `params` and, when given,
    the JSON `body` (a query sent by POST, as Autotask's); the next pages are GETs of
    what `next_page` names. `headers` go with every page request (e.g. a paging mode);
    `items(body)`, when given, are the page's records (checked for repeats); `send`
    sends each request in the client's stead (a vendor's wrapper around it)."""
    guard = PageGuard(client, path)
    send = send or client.request
    request: tuple[str, Params] | None = (path, params)
    first = {"json": body} if body is not None else {}
    while request is not None:
        url, query = request
        address = client.url(url)
        guard.next((address, repr(sorted((k, str(v)) for k, v in query.items()))),
                   client.redact(f"{address} {dict(query)}" if query else address))  # fmt: skip
        with reading():
            response = send(method, url, params=dict(query), headers=dict(headers or {}),
                            idempotent=True, **first)  # fmt: skip
        method, first = "GET", {}
        page = parse_json(client, response)
        if items is not None:
            guard.served(items(page))
        yield page
        try:
            request = next_page(response, page)
        except ValueError as exc:
            raise ConnectorUnavailable(f"{client.name}: {path} answered {exc} — check "
                                       "base_url (the API's address)") from None  # fmt: skip


def by_page_number(
    params: Params, items: Callable[[Any], list[Any]], page_param: str = "page",
    size_param: str = "per_page", size: int = 100, first: int = 1,
    last: LastPage | None = None,
) -> tuple[Params, NextPage]:  # fmt: skip
    """Numbered pages; a short page (fewer than `size` items) is the last, or the page
    `last(body, number)` says is (for servers that may serve fewer than asked)."""
    start = {**params, page_param: first, size_param: size}

    def next_page(response: requests.Response, body: Any) -> tuple[str, Params] | None:
        current = dict(_query_of(response))
        number = int(current.get(page_param, first))
        if last(body, number) if last is not None else len(items(body)) < size:
            return None
        number += 1
        return response.url.split("?", 1)[0], {**start, page_param: number}

    return start, next_page


def by_link_header(response: requests.Response, body: Any) -> tuple[str, Params] | None:
    """RFC 5988: `Link: <…?page=2>; rel="next"`; absent on the last page."""
    link = response.links.get("next", {}).get("url")
    return (link, {}) if link else None


def by_page_field(params: Params, field: str = "next_page", page_param: str = "page"
                  ) -> NextPage:  # fmt: skip
    """The body names the next page's number (null, 0 or absent on the last page)."""

    def next_page(response: requests.Response, body: Any) -> tuple[str, Params] | None:
        value = body.get(field) if isinstance(body, dict) else None
        if value is None or value is False or value == "":
            return None
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and value.isascii() and value.isdigit():
            number = int(value)
        if number is None or number < 0:
            raise ValueError(f"{field} {value!r}, not a page number")
        return (response.url.split("?", 1)[0], {**params, page_param: number}) if number else None

    return next_page


def by_next_url(extract: Callable[[Any], str | None]) -> NextPage:
    """The body names the next page's full URL (None or "" on the last page)."""

    def next_page(response: requests.Response, body: Any) -> tuple[str, Params] | None:
        link = extract(body)
        return (link, {}) if link else None

    return next_page


def by_cursor(params: Params, param: str, extract: Callable[[Any], str | None]) -> NextPage:
    """The body carries an opaque cursor to send back as `param`."""

    def next_page(response: requests.Response, body: Any) -> tuple[str, Params] | None:
        cursor = extract(body)
        return (response.url.split("?", 1)[0], {**params, param: cursor}) if cursor else None

    return next_page


class Keyset:
    """Next page = the same query from the newest change marker seen so far (`param`,
    inclusive), for listings ordered by that marker (e.g. Halo's `last_update`).

    Page numbers alone skip a record whenever one edited mid-read moves from an
    earlier page to the end; walking by marker cannot. A marker is not unique, so the
    bound is inclusive: records at it come again (the caller drops repeats), and a page
    whose records all share the bound steps the page number instead. A page served out
    of marker order means the server ignores the ordering: the walk then steps page
    numbers only (`ordered` turns False). `last(body, number)` ends the listing.

    Between receiving a page and asking for the next, `in_order(records)` and
    `last_page(body)` tell the caller about the page (e.g. whether its newest marker
    is a safe point to resume from)."""

    def __init__(
        self, params: Params, items: Callable[[Any], list[Any]],
        key: Callable[[Any], Any], param: str, encode: Callable[[Any], str],
        last: LastPage, page_param: str = "page", first: int = 1, mark: str | None = None,
    ) -> None:  # fmt: skip
        self.params, self.items, self.key, self.param = params, items, key, param
        self.encode, self.last, self.page_param, self.first = encode, last, page_param, first
        self.mark, self.page, self.ordered = mark, first, True

    @property
    def start(self) -> Params:
        """The current request's parameters (the first request's, before any page)."""
        bound = {self.param: self.mark} if self.mark is not None else {}
        return {**self.params, self.page_param: self.page, **bound}

    def in_order(self, records: list[Any]) -> bool:
        """Whether the walk is by marker and this page keeps the marker order."""
        keys = [k for k in map(self.key, records) if k is not None]
        return self.ordered and keys == sorted(keys)

    def last_page(self, body: Any) -> bool:
        return self.last(body, self.page)

    def __call__(self, response: requests.Response, body: Any) -> tuple[str, Params] | None:
        records = self.items(body)
        if self.ordered and not self.in_order(records):
            log.warning("%s: a page came out of order (the server ignores the ordering); "
                        "paging by number", response.url.split("?", 1)[0])  # fmt: skip
            self.ordered = False
        if self.last_page(body):
            return None
        newest = max((k for k in map(self.key, records) if k is not None), default=None)
        if self.ordered and newest is not None and self.encode(newest) != self.mark:
            self.mark, self.page = self.encode(newest), self.first
        else:
            self.page += 1
        return response.url.split("?", 1)[0], self.start


def _query_of(response: requests.Response) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(response.url).query))
