from ninja import Schema


class RegionRef(Schema):
    """A region named inside another object (an appeal's community, a resident's grid).
    One definition for every app: the OpenAPI document keys schemas by class name, so
    two classes of one name silently became one shape."""

    code: str
    name: str


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
