"""Access mirroring (issue 13): `access.mode = mirror` makes each Unique user read exactly what their
Confluence counterpart may read. settings (config) · principals (Confluence directory → Unique ids) ·
audience (who reads an item, as Unique grants) · layout (scopes) · unique_calls (requests) · mirror
(one sync's placement). docs/destination-unique.md "Access mirroring".
"""
