"""The one error type CQL raises; the v1 routes turn it into HTTP 400."""


class CqlError(ValueError):
    """The CQL text cannot be parsed or is not valid for the field/operator used.

    Contract: every problem a *client* can cause (syntax, unknown field, operator not allowed for the
    field's type, date literal outside the four accepted formats, impossible date, leading NOT,
    ORDER BY on an unorderable field) raises this, never a bare ValueError/KeyError. The v1 routes
    answer 400 with `Could not parse cql : <cql>` in the v1 error envelope (docs/confluence-api.md §6.2,
    §7) and put `detail` into the envelope's `data.errors`.
    """

    def __init__(self, detail: str, position: int | None = None):
        self.detail = detail
        self.position = position
        where = f" (at character {position})" if position is not None else ""
        super().__init__(f"{detail}{where}")
