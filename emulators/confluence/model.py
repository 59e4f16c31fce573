"""Pure data model of one emulated Confluence site: entities, indexes, visibility, mutations.

Nothing here knows about HTTP or wire names (serializers/ own those). Python names are
snake_case; `Content.versions[-1]` is the current version. Timestamps are aware UTC datetimes.
The emulated clock is frozen and moves only through mutations (contracts §1.5).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

UTC = timezone.utc
DEFAULT_NOW = datetime(2026, 10, 1, 12, 0, 0, tzinfo=UTC)
BODY_TYPES = ("page", "blogpost")                           # content with bodies, versions, labels
CLOUD_ONLY_TYPES = ("folder", "database", "whiteboard", "embed")  # Cloud-only page parents
LISTED_STATUSES = ("current", "archived")                   # trashed/draft never appear in lists


@dataclass(slots=True)
class Version:
    number: int
    created_at: datetime
    author_id: str
    message: str = ""
    minor_edit: bool = False


@dataclass(slots=True)
class User:
    account_id: str
    username: str                   # Data Center login name
    user_key: str                   # Data Center stable key
    display_name: str
    email: str                      # "" when hidden by the user's privacy settings
    account_type: str = "atlassian"
    account_status: str = "active"
    time_zone: str | None = "UTC"   # None when hidden by privacy settings
    has_profile_picture: bool = True
    is_admin: bool = False          # admins see every space and every restricted item
    personal_space_id: str | None = None


@dataclass(slots=True)
class Group:
    id: str
    name: str
    members: list[str] = field(default_factory=list)   # account ids


@dataclass(slots=True)
class Label:
    id: str
    name: str
    prefix: str                     # global | my | team | system
    created_at: datetime = DEFAULT_NOW


@dataclass(slots=True)
class Space:
    id: str
    key: str                        # personal space keys start with "~"
    name: str
    type: str                       # global | personal | collaboration | knowledge_base | ...
    status: str                     # current | archived
    description: str
    homepage_id: str | None
    author_id: str
    created_at: datetime
    icon_path: str | None = None
    labels: list[str] = field(default_factory=list)          # label ids
    permitted_account_ids: tuple[str, ...] = ()              # empty = everyone may read
    # explicit "view space" grants, (type, id) with type user | group | access-class (ids
    # ALL_LICENSED_USERS, ANONYMOUS, ALL_PRODUCT_ADMINS); None = the generated default above
    read_grants: tuple[tuple[str, str], ...] | None = None


@dataclass(slots=True)
class Content:
    id: str
    type: str                       # page | blogpost | folder | database | whiteboard | embed
    status: str                     # current | archived | trashed | draft
    title: str
    space_id: str
    parent_id: str | None
    parent_type: str | None
    position: int | None
    author_id: str
    owner_id: str | None
    created_at: datetime
    versions: list[Version]
    body: str = ""                  # storage format (XHTML); "" for an empty page
    labels: list[str] = field(default_factory=list)          # label ids
    restricted_to: tuple[str, ...] = ()                      # read restriction (users); empty = everyone
    restricted_groups: tuple[str, ...] = ()                  # read restriction (group ids)
    edit_users: tuple[str, ...] = ()                         # update restriction: never hides
    edit_groups: tuple[str, ...] = ()

    @property
    def version(self) -> Version:
        return self.versions[-1]

    @property
    def last_modified_at(self) -> datetime:
        return self.versions[-1].created_at


@dataclass(slots=True)
class Comment:
    id: str
    location: str                   # footer | inline
    container_id: str
    container_type: str             # page | blogpost
    parent_id: str | None           # parent comment id when a reply
    versions: list[Version]
    body: str
    status: str = "current"
    resolution_status: str | None = None      # inline only: open | resolved | reopened | dangling
    resolution_modifier_id: str | None = None  # set once resolved or reopened
    resolution_modified_at: datetime | None = None
    marker_ref: str | None = None              # inline only
    original_selection: str | None = None      # inline only

    @property
    def version(self) -> Version:
        return self.versions[-1]

    @property
    def last_modified_at(self) -> datetime:
        return self.versions[-1].created_at

    @property
    def created_at(self) -> datetime:
        return self.versions[0].created_at


@dataclass(slots=True)
class Attachment:
    id: str                         # "att<digits>"
    container_id: str
    container_type: str             # page | blogpost
    title: str                      # file name
    media_type: str
    file_size: int
    file_id: str
    versions: list[Version]
    comment: str = ""
    status: str = "current"
    labels: list[str] = field(default_factory=list)

    @property
    def version(self) -> Version:
        return self.versions[-1]

    @property
    def last_modified_at(self) -> datetime:
        return self.versions[-1].created_at

    @property
    def created_at(self) -> datetime:
        return self.versions[0].created_at


@dataclass(slots=True)
class AuditRecord:
    created_at: datetime
    author_id: str
    summary: str
    category: str
    object_name: str
    object_type: str
    remote_address: str = "127.0.0.1"


class Clock:
    """Frozen emulated time; each mutation stamps `now` and then advances it by one second."""

    def __init__(self, now: datetime = DEFAULT_NOW):
        self.now = now

    def tick(self) -> datetime:
        stamp = self.now
        self.now = stamp + timedelta(seconds=1)
        return stamp

    def advance(self, seconds: float) -> None:
        self.now = self.now + timedelta(seconds=seconds)

    def set(self, at: datetime) -> None:
        self.now = at.astimezone(UTC)


class Instance:
    """Everything on one site, indexed. Mutations live in mutations.py (`Mutations(instance)`)."""

    def __init__(self, mode: str = "cloud", cloud_id: str = "", now: datetime = DEFAULT_NOW):
        self.mode = mode
        self.cloud_id = cloud_id
        self.clock = Clock(now)
        self.spaces: dict[str, Space] = {}
        self.space_by_key: dict[str, Space] = {}
        self.contents: dict[str, Content] = {}
        self.comments: dict[str, Comment] = {}
        self.attachments: dict[str, Attachment] = {}
        self.labels: dict[str, Label] = {}
        self.label_by_name: dict[tuple[str, str], Label] = {}     # (prefix, name)
        self.users: dict[str, User] = {}
        self.user_by_login: dict[str, User] = {}                   # email and DC username
        self.groups: dict[str, Group] = {}
        self.audit: list[AuditRecord] = []
        # indexes (ids in insertion order; generator inserts in id order)
        self.content_by_space: dict[str, list[str]] = {}
        self.children: dict[str, list[str]] = {}                   # parent content id -> ids
        self.comments_by_container: dict[str, list[str]] = {}      # every comment, replies too
        self.replies: dict[str, list[str]] = {}                    # parent comment id -> ids
        self.attachments_by_container: dict[str, list[str]] = {}
        self.items_by_label: dict[str, list[str]] = {}             # label id -> item ids
        self.last_id = 100000
        self.generation = 0            # bumped by every mutation; query caches key on it
        self.index_lag_seconds = 0.0   # CQL hides items mutated less than this many wall seconds ago
        self.mutated_at_wall: dict[str, float] = {}
        self._cache: dict[object, tuple[int, object]] = {}
        self.restrictions_hidden: set[str] = set()   # content ids whose restrictions expand is not honoured

    # ── building ──────────────────────────────────────────────────────
    def new_id(self, step: int = 1) -> int:
        self.last_id += step
        return self.last_id

    def add_user(self, user: User) -> None:
        self.users[user.account_id] = user
        for login in (user.email, user.username):
            if login:
                self.user_by_login[login] = user

    def add_space(self, space: Space) -> None:
        self.spaces[space.id] = space
        self.space_by_key[space.key] = space
        self.content_by_space.setdefault(space.id, [])

    def add_content(self, content: Content) -> None:
        self.contents[content.id] = content
        self.content_by_space.setdefault(content.space_id, []).append(content.id)
        if content.parent_id:
            self.children.setdefault(content.parent_id, []).append(content.id)

    def add_comment(self, comment: Comment) -> None:
        self.comments[comment.id] = comment
        self.comments_by_container.setdefault(comment.container_id, []).append(comment.id)
        if comment.parent_id:
            self.replies.setdefault(comment.parent_id, []).append(comment.id)

    def add_attachment(self, attachment: Attachment) -> None:
        self.attachments[attachment.id] = attachment
        self.attachments_by_container.setdefault(attachment.container_id, []).append(attachment.id)

    def label(self, name: str, prefix: str = "global") -> Label:
        """The label (prefix, name), created on first use."""
        found = self.label_by_name.get((prefix, name))
        if found is None:
            found = Label(str(self.new_id()), name, prefix, self.clock.now)
            self.labels[found.id] = found
            self.label_by_name[(prefix, name)] = found
        return found

    def attach_label(self, item_id: str, label: Label) -> None:
        item = self.item(item_id)
        if label.id not in item.labels:
            item.labels.append(label.id)
            self.items_by_label.setdefault(label.id, []).append(item_id)

    # ── lookup ────────────────────────────────────────────────────────
    def item(self, item_id: str) -> Content | Comment | Attachment | Space:
        for table in (self.contents, self.attachments, self.comments, self.spaces):
            if item_id in table:
                return table[item_id]
        raise KeyError(item_id)

    def find(self, item_id: str):
        try:
            return self.item(item_id)
        except KeyError:
            return None

    def space_of(self, item) -> Space:
        if isinstance(item, Space):
            return item
        if isinstance(item, Content):
            return self.spaces[item.space_id]
        return self.spaces[self.contents[item.container_id].space_id]

    def container_of(self, item: Comment | Attachment) -> Content:
        return self.contents[item.container_id]

    def ancestors(self, content: Content) -> list[Content]:
        """Top-down chain of parents (the space homepage first when it is an ancestor)."""
        chain = []
        parent_id = content.parent_id
        while parent_id and parent_id in self.contents:
            parent = self.contents[parent_id]
            chain.append(parent)
            parent_id = parent.parent_id
        return chain[::-1]

    def comment_depth(self, comment: Comment) -> int:
        depth = 0
        while comment.parent_id:
            comment = self.comments[comment.parent_id]
            depth += 1
        return depth

    def user_for_login(self, login: str) -> User | None:
        return self.user_by_login.get(login)

    # ── visibility ────────────────────────────────────────────────────
    def visible_to(self, user: User | None, item) -> bool:
        """Can `user` read `item` (ignoring status)? Space permissions, then read restrictions of
        the item and every ancestor (Confluence view restrictions inherit; at each restricted level
        the user must be named or be in a named group). Admins see all."""
        if user is not None and user.is_admin:
            return True
        space = self.space_of(item)
        if not self.space_readable(user, space):
            return False
        if isinstance(item, Space):
            return True
        content = item if isinstance(item, Content) else self.contents[item.container_id]
        while content is not None:
            if not self.passes_read_restriction(user, content):
                return False
            content = self.contents.get(content.parent_id) if content.parent_id else None
        return True

    def group_ids_of(self, user: User | None) -> set[str]:
        if user is None:
            return set()
        return {group.id for group in self.groups.values() if user.account_id in group.members}

    def space_readable(self, user: User | None, space: Space) -> bool:
        """The space's "view" permission: explicit grants when set, else the generated default."""
        account_id = user.account_id if user else None
        if space.read_grants is None:
            return not space.permitted_account_ids or account_id in space.permitted_account_ids
        groups = self.group_ids_of(user)
        for kind, principal in space.read_grants:
            if kind == "user" and principal == account_id:
                return True
            if kind == "group" and principal in groups:
                return True
            if kind == "access-class" and (principal == "ANONYMOUS" or (user is not None and (
                    principal == "ALL_LICENSED_USERS" or (principal == "ALL_PRODUCT_ADMINS" and user.is_admin)))):
                return True
        return False

    def passes_read_restriction(self, user: User | None, content: Content) -> bool:
        """This level alone: unrestricted, or the user is named, or is in a named group."""
        if not content.restricted_to and not content.restricted_groups:
            return True
        if user is None:
            return False
        return user.account_id in content.restricted_to or bool(self.group_ids_of(user) & set(content.restricted_groups))

    def listable(self, user: User | None, item) -> bool:
        """Visible and not trashed/draft (what list endpoints and CQL return)."""
        status = getattr(item, "status", "current")
        if status not in LISTED_STATUSES:
            return False
        if isinstance(item, (Comment, Attachment)):
            container = self.contents[item.container_id]
            if container.status not in LISTED_STATUSES:
                return False
        return self.visible_to(user, item)

    def is_indexed(self, item_id: str) -> bool:
        """False while a recent mutation is still inside the search-index lag window."""
        if not self.index_lag_seconds:
            return True
        mutated = self.mutated_at_wall.get(item_id)
        return mutated is None or time.monotonic() - mutated >= self.index_lag_seconds

    # ── query cache (sorted id lists for O(page) pagination) ──────────
    def cached(self, key, compute):
        """compute() once per mutation generation; at most 64 distinct keys kept."""
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self.generation:
            return hit[1]
        if len(self._cache) >= 64:
            self._cache.pop(next(iter(self._cache)))
        value = compute()
        self._cache[key] = (self.generation, value)
        return value

    def touched(self, *item_ids: str) -> None:
        """Record a mutation: invalidates caches, starts the index-lag window."""
        self.generation += 1
        now = time.monotonic()
        for item_id in item_ids:
            self.mutated_at_wall[item_id] = now
