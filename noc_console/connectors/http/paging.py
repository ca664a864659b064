"""Pagination: one loop, the limits every listing keeps, and the ways vendors say where
the next page is.

`follow(client, path, params, next_page)` yields each page's parsed JSON body;
`next_page(response, body)` returns the next request as `(url, params)` or None (a
`ValueError` for a next page it cannot read). The strategies below cover what our
vendors use: page numbers (RT, Halo), a page number in the body (NOC Console's JSON API),
RFC 5988 `Link` headers (ConnectWise), a next-page URL in the body (RT's `next_page`,
Autotask's `pageDetails.nextPageUrl`) and opaque cursors (Jira, Zendesk).

A server can keep a listing going forever: by sending us to a page we read already, by
serving the same records on every "next" page, or by announcing one more page without
end, slowly. `PageGuard` stops each of these with `ConnectorUnavailable` (one line for
the status bar); loops with their own walk (Autotask, Halo) use it too. Its limits are
`HttpSettings.max_pages` and `listing_deadline`; each request has its own deadline too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from noc_console.connectors.errors import ConnectorUnavailable
from noc_console.connectors.http.client import HttpClient, parse_json, reading

Params = Mapping[str, Any]
NextPage = Callable[[requests.Response, Any], tuple[str, Params] | None]
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
) -> Iterator[Any]:  # fmt: skip
    """Each page's body; `headers` go with every page request (e.g. a paging mode);
    `items(body)`, when given, are the page's records (checked for repeats)."""
    guard = PageGuard(client, path)
    request: tuple[str, Params] | None = (path, params)
    while request is not None:
        url, query = request
        address = client.url(url)
        guard.next((address, repr(sorted((k, str(v)) for k, v in query.items()))),
                   client.redact(f"{address} {dict(query)}" if query else address))  # fmt: skip
        with reading():
            response = client.request(method, url, params=dict(query),
                                      headers=dict(headers or {}))  # fmt: skip
        body = parse_json(client, response)
        if items is not None:
            guard.served(items(body))
        yield body
        try:
            request = next_page(response, body)
        except ValueError as exc:
            raise ConnectorUnavailable(f"{client.name}: {path} answered {exc} — check "
                                       "base_url (the API's address)") from None  # fmt: skip


def by_page_number(
    params: Params, items: Callable[[Any], list[Any]], page_param: str = "page",
    size_param: str = "per_page", size: int = 100, first: int = 1,
) -> tuple[Params, NextPage]:  # fmt: skip
    """Numbered pages; a short page (fewer than `size` items) is the last."""
    start = {**params, page_param: first, size_param: size}

    def next_page(response: requests.Response, body: Any) -> tuple[str, Params] | None:
        if len(items(body)) < size:
            return None
        current = dict(_query_of(response))
        number = int(current.get(page_param, first)) + 1
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


def _query_of(response: requests.Response) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(response.url).query))
