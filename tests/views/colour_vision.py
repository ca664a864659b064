"""Colour-vision-deficiency simulation and colour difference, for tests of the themes.

Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of
color vision deficiency", severity 1.0 (dichromacy): a 3×3 matrix per deficiency applied
to linear RGB. Differences are CIE76 ΔE in CIELAB (D65): about 2.3 is just noticeable,
above ~10 two flat colours read as different at a glance.
"""

from __future__ import annotations

import math

Rgb = tuple[float, float, float]  # 0 … 255, sRGB

MACHADO: dict[str, tuple[Rgb, Rgb, Rgb]] = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def hex_rgb(colour: str) -> Rgb:
    value = colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _linear(channel: float) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    c = min(1.0, max(0.0, channel))
    return 255 * (12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055)


def simulate(rgb: Rgb, deficiency: str) -> Rgb:
    """How `rgb` looks to a dichromat with `deficiency`."""
    linear = [_linear(c) for c in rgb]
    out = [sum(m * c for m, c in zip(row, linear, strict=True)) for row in MACHADO[deficiency]]
    return (_gamma(out[0]), _gamma(out[1]), _gamma(out[2]))


def _lab(rgb: Rgb) -> Rgb:
    r, g, b = (_linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def delta_e(a: Rgb, b: Rgb) -> float:
    """CIE76 colour difference."""
    la, lb = _lab(a), _lab(b)
    return math.sqrt(sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)))
