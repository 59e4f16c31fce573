"""The generator: deterministic, right-sized, and containing every shape the issue lists."""
import time

import pytest

from emulators.confluence.generator import generate
from emulators.confluence.truth import truth


def _admin(instance):
    return next(u for u in instance.users.values() if u.is_admin)


def test_given_the_same_seed_when_generating_twice_then_the_truth_is_identical():
    first, second = generate("small", seed=7), generate("small", seed=7)
    assert truth(first, _admin(first), "UTC") == truth(second, _admin(second), "UTC")


def test_given_different_seeds_when_generating_then_the_sites_differ():
    assert truth(generate("tiny", 1), None, "UTC")["pages"] != truth(generate("tiny", 2), None, "UTC")["pages"]


def test_given_medium_when_generating_then_sizes_are_within_ten_percent():
    started = time.monotonic()
    instance = generate("medium", seed=1)
    print(f"medium generated in {time.monotonic() - started:.2f}s")
    seen = truth(instance, _admin(instance), "UTC")
    for name, expected in (("pages", 5000), ("comments", 15000), ("attachments", 5000), ("users", 200)):
        assert abs(len(seen[name]) - expected) <= expected * 0.1, (name, len(seen[name]))
    assert abs(len(seen["spaces"]) - 10) <= 1


@pytest.mark.parametrize("profile", ["tiny", "small"])
def test_given_a_profile_when_generating_then_every_required_shape_is_present(profile):
    instance = generate(profile, seed=3)
    admin = _admin(instance)
    viewer = instance.user_for_login("viewer@example.com")
    spaces = {s.key: s for s in instance.spaces.values()}
    assert "SECRET" in spaces and not instance.visible_to(viewer, spaces["SECRET"])
    assert any(key.startswith("~") and s.type == "personal" for key, s in spaces.items())
    pages = [c for c in instance.contents.values() if c.type == "page"]
    assert max(len(instance.ancestors(p)) for p in pages) >= 6
    assert any(p.status == "archived" for p in pages) and any(p.body == "" for p in pages)
    assert any(p.restricted_to for p in pages)
    for kind in ("folder", "database", "whiteboard", "embed"):
        assert any(p.parent_type == kind for p in pages), kind
    assert any(c.type == "blogpost" for c in instance.contents.values())
    comments = list(instance.comments.values())
    assert max(instance.comment_depth(c) for c in comments) == 4
    assert {c.container_type for c in comments} == {"page", "blogpost"}
    assert {c.location for c in comments if c.container_type == "blogpost"} <= {"footer", "inline"}
    assert any(c.resolution_status == "resolved" for c in comments)
    attachments = list(instance.attachments.values())
    assert any(a.file_size == 0 for a in attachments)
    assert {"application/pdf", "text/plain", "text/csv", "text/html", "image/png", "image/jpeg"} <= {a.media_type for a in attachments}
    fan_out = max(len(ids) for ids in instance.attachments_by_container.values())
    assert fan_out > (250 if profile == "small" else 25)
    label_names = {(label.prefix, label.name) for label in instance.labels.values()}
    assert ("global", "ai-ingest") in label_names and ("global", "ai-ingest-all") in label_names
    assert {"global", "my", "team"} <= {prefix for prefix, _ in label_names}
    users = list(instance.users.values())
    assert any(u.email == "" for u in users) and any(u.time_zone is None for u in users)
    bodies = " ".join(p.body for p in pages)
    for macro in ('ac:name="code"', "ri:page", "ri:account-id", "ri:attachment", "ac:task-list", "<table"):
        assert macro in bodies, macro
    assert admin.is_admin and instance.groups and instance.audit


def test_given_datacenter_mode_when_generating_then_no_cloud_only_content_exists():
    instance = generate("tiny", seed=1, mode="datacenter")
    assert {c.type for c in instance.contents.values()} == {"page", "blogpost"}
    assert all(s.type in ("global", "personal") for s in instance.spaces.values())
