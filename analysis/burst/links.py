"""What a link points at: a profile or a post on a known platform (for calls to action across platforms).

``link_target(url)`` reads the platform, the account handle and the post id out of a URL, from its text
only (no network: nothing is fetched or followed). Unknown sites, malformed URLs and paths that name no
profile or post give ``None``.

>>> link_target("https://x.com/Jane_Doe/status/1790000000000000001?s=20")
LinkTarget(platform='x', handle='jane_doe', post_id='1790000000000000001')
>>> link_target("https://twitter.com/jane_doe")
LinkTarget(platform='x', handle='jane_doe', post_id=None)
>>> link_target("https://old.reddit.com/r/news/comments/abc123/some_title/")
LinkTarget(platform='reddit', handle=None, post_id='abc123')
>>> link_target("https://www.reddit.com/user/JaneDoe")
LinkTarget(platform='reddit', handle='janedoe', post_id=None)
>>> link_target("https://bsky.app/profile/jane.bsky.social/post/3kxyz")
LinkTarget(platform='bluesky', handle='jane.bsky.social', post_id='3kxyz')
>>> link_target("https://t.me/some_channel/42")
LinkTarget(platform='telegram', handle='some_channel', post_id='42')
>>> link_target("https://mastodon.social/@jane/111222333")
LinkTarget(platform='mastodon', handle='jane@mastodon.social', post_id='111222333')
>>> link_target("https://x.com/home") is None, link_target("javascript:alert(1)") is None
(True, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

X_HOSTS = {"x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"}
REDDIT_HOSTS = {"reddit.com", "old.reddit.com", "new.reddit.com", "np.reddit.com", "m.reddit.com"}
X_RESERVED = {"home", "i", "search", "explore", "hashtag", "intent", "share", "settings", "notifications", "messages", "login"}
MASTODON_HINTS = ("mastodon", "mstdn", "social")
_HANDLE = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class LinkTarget:
    """A profile (``post_id`` None) or a post; ``handle`` lower-cased (None when the URL names none)."""

    platform: str
    handle: str | None
    post_id: str | None


def link_target(url: str | None) -> LinkTarget | None:
    """The profile or post a URL points at, or None (see the module docstring)."""
    if not url or len(url) > 2000:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    path = [segment for segment in parts.path.split("/") if segment]
    if host in X_HOSTS:
        return _x(path)
    if host in REDDIT_HOSTS:
        return _reddit(path)
    if host == "redd.it" and len(path) == 1 and _ID.fullmatch(path[0]):
        return LinkTarget("reddit", None, path[0].lower())
    if host == "bsky.app":
        return _bluesky(path)
    if host in ("t.me", "telegram.me"):
        return _telegram(path)
    if any(hint in host for hint in MASTODON_HINTS) and path and path[0].startswith("@"):
        handle = path[0][1:]
        if not _HANDLE.fullmatch(handle):
            return None
        post = path[1] if len(path) > 1 and path[1].isdigit() else None
        return LinkTarget("mastodon", f"{handle.lower()}@{host}", post)
    return None


def _x(path: list[str]) -> LinkTarget | None:
    if len(path) >= 3 and path[1] == "status" and path[2].isdigit():
        handle = None if path[0] == "i" else path[0].lower()
        return LinkTarget("x", handle, path[2])
    if len(path) >= 1 and path[0].lower() not in X_RESERVED and _HANDLE.fullmatch(path[0]):
        return LinkTarget("x", path[0].lower(), None)
    return None


def _reddit(path: list[str]) -> LinkTarget | None:
    if len(path) >= 4 and path[0] == "r" and path[2] == "comments" and _ID.fullmatch(path[3]):
        return LinkTarget("reddit", None, path[3].lower())
    if len(path) >= 2 and path[0] == "comments" and _ID.fullmatch(path[1]):
        return LinkTarget("reddit", None, path[1].lower())
    if len(path) >= 2 and path[0] in ("u", "user") and _HANDLE.fullmatch(path[1]):
        return LinkTarget("reddit", path[1].lower(), None)
    return None


def _bluesky(path: list[str]) -> LinkTarget | None:
    if len(path) >= 2 and path[0] == "profile" and _HANDLE.fullmatch(path[1]):
        post = path[3] if len(path) >= 4 and path[2] == "post" and _ID.fullmatch(path[3]) else None
        return LinkTarget("bluesky", path[1].lower(), post)
    return None


def _telegram(path: list[str]) -> LinkTarget | None:
    if not path or not _HANDLE.fullmatch(path[0]) or path[0] in ("c", "s", "joinchat", "share"):
        return None
    post = path[1] if len(path) > 1 and path[1].isdigit() else None
    return LinkTarget("telegram", path[0].lower(), post)
