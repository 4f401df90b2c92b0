"""Exceptions with messages an operator can act on. None of them ever carries a secret or token."""


class GenesysEltError(Exception):
    """Base class: anything the pipeline raises on purpose."""


class ConfigError(GenesysEltError):
    """Missing or invalid configuration (connection, key, arguments)."""


class AuthError(GenesysEltError):
    """The login host refused the client's credentials, or a token was refused twice."""


class WriteScopeRefused(GenesysEltError):
    """The token carries write scopes; the extractor only ever runs read-only."""


class ApiError(GenesysEltError):
    def __init__(self, status: int, method: str, path: str, message: str):
        super().__init__(f"{method} {path} answered {status}: {message}")
        self.status, self.path = status, path


class NotFound(ApiError):
    pass


# What a path the org does not serve may answer: the public documentation does not say, and a
# gateway can answer any of these. Source detection and the bulk contact fetch accept them all.
UNSERVED_STATUSES = frozenset({400, 403, 404, 405})


class TransientError(GenesysEltError):
    """A fault worth retrying: 5xx, dropped connection, truncated or malformed body."""


class RateLimited(TransientError):
    def __init__(self, retry_after: float, message: str = "rate limited", shared: bool = True):
        super().__init__(f"{message}; retry after {retry_after:.0f}s")
        self.retry_after = retry_after
        self.shared = shared  # the client's whole budget was paused for it (else only this call waits)


class JobFailed(GenesysEltError):
    """An async query ended FAILED, CANCELLED or EXPIRED, or outlived its poll budget."""


class NotYetAvailable(GenesysEltError):
    """The API's data-availability date has not passed the end of the slice's day."""
