"""Pagination: one loop, and the ways vendors say where the next page is.

`follow(client, path, params, next_page)` yields each page's parsed JSON body;
`next_page(response, body)` returns the next request as `(url, params)` or None.
The strategies below cover what our vendors use: page numbers (RT, Halo), RFC 5988
`Link` headers (ConnectWise), a next-page URL in the body (RT's `next_page`,
Autotask's `pageDetails.nextPageUrl`) and opaque cursors (Jira, Zendesk). A next page
that repeats an earlier one is a server bug that would loop forever: it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from noc_console.connectors.errors import ConnectorUnavailable
from noc_console.connectors.http import HttpClient, parse_json

Params = Mapping[str, Any]
NextPage = Callable[[requests.Response, Any], tuple[str, Params] | None]


def follow(
    client: HttpClient, path: str, params: Params, next_page: NextPage, method: str = "GET",
    headers: Mapping[str, str] | None = None,
) -> Iterator[Any]:  # fmt: skip
    """Each page's body; `headers` go with every page request (e.g. a paging mode)."""
    seen: set[tuple[str, str]] = set()
    request: tuple[str, Params] | None = (path, params)
    while request is not None:
        url, query = request
        marker = (client.url(url), repr(sorted(query.items())))
        if marker in seen:
            raise ConnectorUnavailable(f"{client.name}: the server sent the same page twice")
        seen.add(marker)
        response = client.request(method, url, params=dict(query), headers=dict(headers or {}))
        body = parse_json(client, response)
        yield body
        request = next_page(response, body)


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
