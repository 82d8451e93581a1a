"""The map drawn as SVG on the server: numbers on a 0–100 view box for the template.
Only what selectors.map_view passed the privacy rule reaches this: group ellipses,
density cells of at least CONSENSUS_MIN_CELL people, and the viewer's own marker."""

from __future__ import annotations

import math
from dataclasses import dataclass

from jiaoliuba.deliberation.consensus.selectors import MapView


@dataclass(frozen=True)
class Shape:
    group: int
    name: str
    cx: float
    cy: float
    rx: float
    ry: float
    angle: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Dot:
    group: int
    x: float
    y: float
    r: float


def _scale(value: float) -> float:
    return round(value * 100, 2)


def svg_shapes(view: MapView) -> dict[str, object]:
    shapes, dots = [], []
    for group in view.groups:
        if group.ellipse:
            e = group.ellipse
            shapes.append(
                Shape(
                    group=group.id,
                    name=group.name,
                    cx=_scale(e["cx"]),
                    cy=_scale(e["cy"]),
                    rx=max(_scale(e["rx"]), 3.0),
                    ry=max(_scale(e["ry"]), 3.0),
                    angle=e["angle"],
                    label_x=min(max(_scale(e["cx"]), 4.0), 96.0),
                    label_y=min(max(_scale(e["cy"]), 6.0), 96.0),
                )
            )
        for x, y, people in group.cells:
            dots.append(
                Dot(
                    group=group.id,
                    x=_scale(x),
                    y=_scale(y),
                    r=round(0.6 + math.sqrt(people) * 0.5, 2),
                )
            )
    me = (_scale(view.me[0]), _scale(view.me[1])) if view.me else None
    return {"shapes": shapes, "dots": dots, "me": me}
