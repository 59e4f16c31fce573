"""Access mirroring (issue 13): `access.mode = mirror` makes each Unique user read exactly what their
Confluence counterpart may read. settings (config) · principals (Confluence directory → Unique ids) ·
audience (who reads an item, as Unique grants) · layout (scopes) · mirror (one sync's placement) · check.
Every Unique request lives in destination_unique/client.py ("access mirroring" section). Cost per
sync: users ⌈emails/100⌉, scopes ⌈paths/100⌉ (+1 child listing per space), one grant change per scope
that differs, ⌈stored items/100⌉ listings per space, one contentUpdate per item whose audience changed. docs/destination-unique.md "Access mirroring".
"""
