"""Deterministic site generator: the same (profile, seed, mode) always yields the same Instance.

Every profile contains the shapes connectors trip over: global and personal (`~key`) spaces and
a `SECRET` space only admins may read; a page chain of depth >= 7; archived, empty-bodied and
restricted pages; Cloud-only parents (folder, database, whiteboard, embed) with child pages
(Cloud mode only); blog posts; footer and inline comment threads up to depth 4 on pages and blog
posts, resolved inline comments; attachments of many media types incl. zero-byte ones and one
page with > 25 (and, from `small` on, one with > 250) attachments; prefixed labels incl.
`ai-ingest` / `ai-ingest-all`; users with hidden e-mail / time zone; groups; audit records.
Timestamps spread over the two years before the clock; within each kind, ids grow with
creation time.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from . import bodies
from .model import (DEFAULT_NOW, Attachment, AuditRecord, Comment, Content, Group, Instance,
                    Space, User, Version)

TWO_YEARS_SECONDS = 2 * 365 * 24 * 3600


@dataclass(frozen=True)
class Profile:
    global_spaces: int      # besides SECRET
    personal_spaces: int
    pages: int              # pages (not folders etc.), every space included
    blogposts: int
    comments: int
    attachments: int        # besides the fan-out pages
    users: int
    groups: int
    audit: int
    fanouts: tuple[int, ...]  # attachment counts of the fan-out pages


PROFILES = {
    "tiny": Profile(1, 1, 30, 5, 40, 20, 12, 3, 20, (30,)),
    "small": Profile(2, 1, 200, 20, 300, 100, 30, 5, 100, (30, 260)),
    "medium": Profile(8, 1, 5000, 300, 15000, 4700, 200, 20, 1000, (30, 260)),
    "large": Profile(95, 4, 100_000, 4000, 60_000, 30_000, 1000, 50, 5000, (30, 260)),
}
MEDIA_TYPES = (  # (media type, extension, max size in bytes)
    ("application/pdf", "pdf", 3_000_000),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", 800_000),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", 600_000),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", 5_000_000),
    ("text/plain", "txt", 20_000), ("text/csv", "csv", 200_000), ("text/html", "html", 50_000),
    ("image/png", "png", 900_000), ("image/jpeg", "jpg", 1_500_000))
SPACE_WORDS = ("Engineering Operations Documentation Marketing Sales Support Finance Legal Design "
               "Research Platform Security Data Mobile Infrastructure Product").split()
FIRST = "Ada Alan Grace Linus Barbara Ken Margaret Dennis Radia Edsger Frances Guido".split()
LAST = "Lovelace Turing Hopper Torvalds Liskov Thompson Hamilton Ritchie Perlman Dijkstra Allen Rossum".split()
LABELS = ("architecture how-to meeting-notes decision runbook faq onboarding release-notes "
          "postmortem draft important archived-docs customer").split()


class _Builder:
    def __init__(self, profile: Profile, seed: int, mode: str):
        self.p, self.mode = profile, mode
        self.rng = random.Random(f"{seed}:{mode}")
        self.inst = Instance(mode=mode, cloud_id=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)))
        self.now = DEFAULT_NOW
        self.pages: list[Content] = []
        self.containers: list[Content] = []       # pages and blog posts

    # ── helpers ───────────────────────────────────────────────────────
    def past(self, newest=None, oldest_seconds=TWO_YEARS_SECONDS):
        newest = newest or self.now
        return newest - timedelta(seconds=self.rng.randint(1, oldest_seconds))

    def versions(self, created, count: int) -> list[Version]:
        users = self.user_ids
        stamps = sorted(created + (self.now - created) * self.rng.random() for _ in range(count - 1))
        if count > 1 and self.rng.random() < 0.2:        # several edits within the same minute
            stamps = [created + timedelta(seconds=7 * (i + 1)) for i in range(count - 1)]
        return [Version(1, created, self.rng.choice(users))] + [
            Version(n + 2, stamp, self.rng.choice(users), self.rng.choice(("", "typo", "update")),
                    self.rng.random() < 0.3) for n, stamp in enumerate(stamps)]

    def creation_times(self, count: int) -> list:
        """Ascending creation instants (ids are handed out in this order); ~5% share a minute."""
        stamps = sorted(self.past() for _ in range(count))
        for i in range(1, count):
            if self.rng.random() < 0.05:
                stamps[i] = stamps[i - 1] + timedelta(seconds=self.rng.randint(0, 20))
        return stamps

    # ── people ────────────────────────────────────────────────────────
    def users(self) -> None:
        fixed = [("Demo Admin", "admin", "demo@example.com", True),
                 ("Viewer User", "viewer", "viewer@example.com", False)]
        for i in range(self.p.users - 2):
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            fixed.append((f"{first} {last}", f"{first.lower()}.{last.lower()}{i}",
                          f"{first.lower()}.{last.lower()}{i}@example.com", False))
        for n, (name, username, email, is_admin) in enumerate(fixed):
            bits = self.rng.getrandbits(128)
            hidden_email = n % 5 == 2                      # ~20% hide their e-mail
            user = User(account_id=f"557058:{uuid.UUID(int=bits, version=4)}", username=username,
                        user_key=f"{bits:032x}", display_name=name,
                        email="" if hidden_email else email,
                        account_type="app" if n % 20 == 11 else "atlassian",
                        account_status="inactive" if n % 20 == 9 else "active",
                        time_zone=None if n % 7 == 3 else
                        self.rng.choice(("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")),
                        has_profile_picture=self.rng.random() < 0.7, is_admin=is_admin)
            self.inst.add_user(user)
        self.user_ids = list(self.inst.users)
        self.admin_id = self.user_ids[0]

    def groups(self) -> None:
        names = ["confluence-users", "confluence-administrators"] + [
            f"team-{self.rng.choice(bodies.WORDS)}-{i}" for i in range(self.p.groups - 2)]
        for n, name in enumerate(names):
            members = (self.user_ids if n == 0 else [self.admin_id] if n == 1 else
                       self.rng.sample(self.user_ids, self.rng.randint(1, min(25, len(self.user_ids)))))
            group = Group(str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), name, list(members))
            self.inst.groups[group.id] = group

    # ── spaces and content ────────────────────────────────────────────
    def space(self, key: str, name: str, kind: str, permitted=(), status="current") -> Space:
        created = self.past(self.now - timedelta(days=700), 60 * 24 * 3600)
        space = Space(id=str(self.inst.new_id(self.rng.randint(1, 9))), key=key, name=name, type=kind,
                      status=status, description=f"The {name} space.", homepage_id=None,
                      author_id=self.admin_id, created_at=created,
                      icon_path=f"/images/logo/default-space-logo-{len(self.inst.spaces)}.svg",
                      permitted_account_ids=tuple(permitted))
        self.inst.add_space(space)
        home = self.content("page", space, None, f"{name} Home", created)
        space.homepage_id = home.id
        return space

    def content(self, kind: str, space: Space, parent: Content | None, title: str, created,
                status: str = "current") -> Content:
        siblings = len(self.inst.children.get(parent.id, ())) if parent else 0
        content = Content(
            id=str(self.inst.new_id(self.rng.randint(1, 9))), type=kind, status=status, title=title,
            space_id=space.id, parent_id=parent.id if parent else None,
            parent_type=parent.type if parent else None,
            position=(siblings + 1) * 100 if kind != "blogpost" else None,
            author_id=self.rng.choice(self.user_ids), owner_id=self.rng.choice(self.user_ids),
            created_at=created, versions=self.versions(created, 1 + int(self.rng.random() ** 3 * 5)))
        self.inst.add_content(content)
        if kind in ("page", "blogpost"):
            self.containers.append(content)
            if kind == "page":
                self.pages.append(content)
        return content

    def spaces(self) -> list[Space]:
        spaces = []
        for i in range(self.p.global_spaces):
            word = SPACE_WORDS[i % len(SPACE_WORDS)]
            key = word[:3].upper() + (str(i // len(SPACE_WORDS)) if i >= len(SPACE_WORDS) else "")
            kind = "global" if self.mode == "datacenter" or i % 7 else ("global", "collaboration", "knowledge_base")[i // 7 % 3]
            status = "archived" if i == 5 else "current"
            spaces.append(self.space(key, f"{word} {i // len(SPACE_WORDS) or ''}".strip(), kind, status=status))
        for user_id in self.user_ids[2:2 + self.p.personal_spaces]:
            user = self.inst.users[user_id]
            space = self.space(f"~{user.username.replace('.', '')}", user.display_name, "personal")
            user.personal_space_id = space.id
            spaces.append(space)
        spaces.append(self.space("SECRET", "Secret Projects", "global", permitted=(self.admin_id,)))
        return spaces

    def page_trees(self, spaces: list[Space]) -> None:
        first = spaces[0]
        home = self.inst.contents[first.homepage_id]
        fixed_times = iter(self.creation_times(40))
        parent = home                                          # a chain of depth 7
        self.chain = []
        for level in range(7):
            parent = self.content("page", first, parent, f"Deep level {level + 1}", next(fixed_times))
            self.chain.append(parent)
        restricted = self.content("page", first, home, "Restricted plans", next(fixed_times))
        restricted.restricted_to = (self.admin_id,)
        self.content("page", first, restricted, "Restricted child", next(fixed_times))
        self.content("page", first, home, "Archived overview", next(fixed_times), status="archived")
        empty = self.content("page", first, home, "Empty page", next(fixed_times))
        empty.body = ""
        if self.mode == "cloud":
            for kind in ("folder", "database", "whiteboard", "embed"):
                holder = self.content(kind, first, home, f"A {kind}", next(fixed_times))
                for n in range(2):
                    child = self.content("page", first, holder, f"Under the {kind} {n + 1}", next(fixed_times))
                self.content("page", first, child, f"Nested under the {kind}", next(fixed_times))
        remaining = self.p.pages - len(self.pages)
        by_space = {space.id: [self.inst.contents[space.homepage_id]] for space in spaces}
        for n, created in enumerate(self.creation_times(max(0, remaining))):
            space = spaces[0] if n % 5 == 0 else self.rng.choice(spaces)
            pool = by_space[space.id]
            parent = pool[0] if self.rng.random() < 0.25 else self.rng.choice(pool)
            status = "archived" if self.rng.random() < 0.03 else "current"
            page = self.content("page", space, parent, f"{self.rng.choice(bodies.WORDS).title()} "
                                f"{self.rng.choice(bodies.WORDS)} {n + 1}", created, status)
            pool.append(page)

    def blogposts(self, spaces: list[Space]) -> None:
        for n, created in enumerate(self.creation_times(self.p.blogposts)):
            self.content("blogpost", self.rng.choice(spaces), None,
                         f"News about {self.rng.choice(bodies.WORDS)} #{n + 1}", created)

    def comments(self) -> None:
        threads: list[Comment] = []
        for n in range(self.p.comments):
            parent = None
            if threads and self.rng.random() < 0.55:
                parent = self.rng.choice(threads[-50:])
            container = self.inst.contents[parent.container_id] if parent else self.rng.choice(self.containers)
            newest = parent.created_at if parent else container.created_at
            created = newest + (self.now - newest) * self.rng.random()
            location = parent.location if parent else ("inline" if self.rng.random() < 0.35 else "footer")
            comment = Comment(id=str(self.inst.new_id(self.rng.randint(1, 5))), location=location,
                              container_id=container.id, container_type=container.type,
                              parent_id=parent.id if parent else None,
                              versions=self.versions(created, 1 + (self.rng.random() < 0.1)),
                              body=bodies.comment_body(self.rng))
            if location == "inline":
                root = parent or comment
                comment.marker_ref = root.marker_ref or str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
                comment.original_selection = root.original_selection or container.title[:24]
                comment.resolution_status = "open" if parent else self.rng.choices(
                    ("open", "resolved", "reopened", "dangling"), (60, 25, 10, 5))[0]
                if comment.resolution_status in ("resolved", "reopened"):
                    comment.resolution_modifier_id = self.rng.choice(self.user_ids)
                    comment.resolution_modified_at = created + (self.now - created) * self.rng.random()
            self.inst.add_comment(comment)
            if self.inst.comment_depth(comment) < 4:
                threads.append(comment)
        self._deep_thread()

    def _deep_thread(self) -> None:
        """One footer and one inline thread of depth exactly 4, on a blog post and a page."""
        for container, location in ((self.containers[-1], "footer"), (self.pages[1], "inline")):
            parent = None
            for depth in range(5):
                created = container.created_at + timedelta(hours=depth + 1)
                comment = Comment(id=str(self.inst.new_id()), location=location,
                                  container_id=container.id, container_type=container.type,
                                  parent_id=parent.id if parent else None,
                                  versions=[Version(1, created, self.rng.choice(self.user_ids))],
                                  body=f"<p>Thread reply at depth {depth}</p>")
                if location == "inline":
                    comment.marker_ref, comment.original_selection = "deep-thread-marker", "Deep"
                    comment.resolution_status = "resolved" if depth == 0 else "open"
                    if depth == 0:
                        comment.resolution_modifier_id, comment.resolution_modified_at = self.admin_id, created
                self.inst.add_comment(comment)
                parent = comment

    def attachments(self, big_attachment_mb: int) -> None:
        targets = [self.rng.choice(self.containers) for _ in range(self.p.attachments)]
        for fanout, page in zip(self.p.fanouts, self.chain[1:]):
            targets.extend([page] * fanout)
        counters: dict[str, int] = {}
        for index, container in enumerate(targets):   # every media type and zero-byte files guaranteed
            media_type, extension, max_size = MEDIA_TYPES[index] if index < len(MEDIA_TYPES) \
                else self.rng.choice(MEDIA_TYPES)
            n = counters[container.id] = counters.get(container.id, 0) + 1
            size = 0 if index % 25 == 3 else self.rng.randint(1, max_size)
            self._attachment(container, f"{self.rng.choice(bodies.WORDS)}-{n}.{extension}", media_type, size)
        if big_attachment_mb:
            self._attachment(self.chain[0], "big-file.bin", "application/octet-stream",
                             big_attachment_mb * 1024 * 1024)
        if self.mode == "datacenter":
            # An anonymous upload (anonymous access on): the uploader has neither username nor user key
            # (datacenter__v1-content-by-id-attachment__1). One attachment, chosen without the rng.
            first = next(iter(self.inst.attachments.values()), None)
            if first is not None:
                first.versions[0].author_id = None

    def _attachment(self, container: Content, title: str, media_type: str, size: int) -> None:
        number = self.inst.new_id(self.rng.randint(1, 5))
        created = container.created_at + (self.now - container.created_at) * self.rng.random()
        self.inst.add_attachment(Attachment(
            id=f"att{number}", container_id=container.id, container_type=container.type, title=title,
            media_type=media_type, file_size=size, file_id=str(uuid.UUID(int=self.rng.getrandbits(128))),
            versions=self.versions(created, 1 + (self.rng.random() < 0.15)),
            comment="" if self.rng.random() < 0.7 else "uploaded for review"))

    def labels(self) -> None:
        inst = self.inst
        for page in self.containers:
            for _ in range(int(self.rng.random() ** 2 * 4)):
                prefix = self.rng.choices(("global", "my", "team"), (80, 10, 10))[0]
                inst.attach_label(page.id, inst.label(self.rng.choice(LABELS), prefix))
            if page.type == "page" and (self.rng.random() < 0.05 or page is self.chain[3]):
                inst.attach_label(page.id, inst.label("ai-ingest"))
        inst.attach_label(self.chain[0].id, inst.label("ai-ingest-all"))     # the deep chain root
        inst.attach_label(self.pages[-1].id, inst.label("ai-ingest-all"))
        for space in list(inst.spaces.values())[::2]:
            inst.attach_label(space.id, inst.label(self.rng.choice(LABELS)))
        for attachment in list(inst.attachments.values())[::17]:
            inst.attach_label(attachment.id, inst.label("reviewed"))

    def write_bodies(self) -> None:
        titles = [page.title for page in self.pages]
        mention_key = self.mode == "datacenter"
        for content in self.containers:
            if content.body == "" and content.title == "Empty page":
                continue
            if self.rng.random() < 0.02:
                continue                                   # some pages have empty bodies
            images = self.inst.attachments_by_container.get(content.id)
            user = self.inst.users[self.rng.choice(self.user_ids)]
            content.body = bodies.page_body(
                self.rng, content.title, link_title=self.rng.choice(titles), link_space_key=None,
                mention=user.user_key if mention_key else user.account_id, mention_is_key=mention_key,
                image=self.inst.attachments[images[0]].title if images else None)

    def audit(self) -> None:
        categories = (("Permissions", "Space permission added"), ("Space", "Space created"),
                      ("Users and groups", "User added to group"), ("Pages", "Page restriction changed"))
        for created in self.creation_times(self.p.audit):
            category, summary = self.rng.choice(categories)
            self.inst.audit.append(AuditRecord(created, self.rng.choice(self.user_ids), summary, category,
                                               self.rng.choice(bodies.WORDS), "Space"))


def generate(profile: str = "tiny", seed: int = 1, mode: str = "cloud", big_attachment_mb: int = 0) -> Instance:
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {sorted(PROFILES)}, got {profile!r}")
    builder = _Builder(PROFILES[profile], seed, mode)
    builder.users()
    builder.groups()
    spaces = builder.spaces()
    builder.page_trees(spaces)
    builder.blogposts(spaces)
    builder.comments()
    builder.attachments(big_attachment_mb)
    builder.labels()
    builder.write_bodies()
    builder.audit()
    builder.inst.last_id += 1000
    return builder.inst
