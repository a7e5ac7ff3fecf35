"""The one exception for an operation that is refused, with a message for the person who asked, and
the one for a cache that did not answer."""


class Refused(Exception):
    """The operation was not done; `message` says why, in words for the person who asked (a deletion
    that other records prevent, a file that cannot be read, a budget that would be passed, …)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CacheUnavailable(Exception):
    """Redis did not answer, or the breaker kept it from being asked: the operation may or may not
    have happened (ovop_portal.cache_backends raises it, core.caching acts on it)."""
