"""A polite HTTP client: one request per interval per host, retries with backoff that honour Retry-After."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A request failed for good (after retries); the message names the URL and the last status or error."""


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError):
        return None


class PoliteClient:
    """httpx with a per-host minimum interval between requests and retries on 429/5xx/timeouts.

    ``intervals`` maps a host to its minimum spacing in seconds (arXiv asks for one request every 3 s);
    ``clock``/``sleep`` are injectable so tests can check the waits without waiting.
    """

    def __init__(
        self,
        *,
        intervals: dict[str, float] | None = None,
        default_interval: float = 0.0,
        retries: int = 4,
        backoff: float = 2.0,
        max_wait: float = 300.0,
        timeout: float = 60.0,
        user_agent: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        from paperradar import __version__

        self.intervals = intervals or {}
        self.default_interval = default_interval
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.clock, self.wall_clock, self.sleep = clock, wall_clock, sleep
        self._last: dict[str, float] = {}
        self.requests = 0
        self.slept: list[float] = []
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            transport=transport,
            headers={"User-Agent": user_agent or f"paperradar/{__version__} (research radar; offline-first)"},
        )

    def _wait_turn(self, host: str) -> None:
        interval = self.intervals.get(host, self.default_interval)
        last = self._last.get(host)
        if last is not None and interval > 0:
            wait = last + interval - self.clock()
            if wait > 0:
                self._sleep(wait)
        self._last[host] = self.clock()

    def _sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.sleep(seconds)

    def get(
        self,
        url: str,
        params: dict[str, str | int] | None = None,
        *,
        ok_status: frozenset[int] = frozenset(),
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """GET with rate limiting and retries; return the response (2xx, or a status in ``ok_status``).

        Raises FetchError when the server keeps failing or answers with another error status.
        """
        host = urlsplit(url).netloc
        last_error = ""
        for attempt in range(self.retries + 1):
            self._wait_turn(host)
            self.requests += 1
            try:
                response = self._client.get(url, params=params, headers=headers)
            except (httpx.TimeoutException, httpx.TransportError) as e:
                last_error = f"{type(e).__name__}: {e}"
                wait = None
            else:
                if response.status_code < 400 or response.status_code in ok_status:
                    return response
                last_error = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUS:
                    raise FetchError(f"{response.request.url}: {last_error}")
                wait = retry_after_seconds(response.headers.get("retry-after"), self.wall_clock())
            if attempt == self.retries:
                break
            if wait is None:
                wait = self.backoff * (2**attempt) * (0.5 + random.random() / 2)
            self._sleep(min(wait, self.max_wait))
        raise FetchError(f"{url}: giving up after {self.retries + 1} attempts ({last_error})")

    def close(self) -> None:
        """Close connections."""
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
