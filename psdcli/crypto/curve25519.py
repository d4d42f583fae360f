"""The one Curve25519 fact the header checks need: whether a share is low order."""

from __future__ import annotations

# Field prime and ladder constant from RFC 7748, section 5.
_P = 2**255 - 19
_A24 = 121665
POINT_BYTES = 32


def is_low_order_point(encoded: bytes) -> bool:
    """Return whether an X25519 public value has an order dividing 8.

    X25519 clamps every private scalar to a multiple of 8, so such a share gives
    the all-zero shared secret with any key, and age rejects it. The check
    doubles the point three times with the x-only formulas of RFC 7748 and tests
    for the point at infinity, or for the point (0, 0) of order 2.
    """
    if len(encoded) != POINT_BYTES:
        raise ValueError(f"an X25519 point is {POINT_BYTES} bytes")
    # RFC 7748 ignores the top bit of the encoding and reduces the value mod p.
    x = int.from_bytes(encoded, "little") & ((1 << 255) - 1)
    x_coordinate, z_coordinate = x % _P, 1
    for _ in range(3):
        x_coordinate, z_coordinate = _double(x_coordinate, z_coordinate)
    return x_coordinate == 0 or z_coordinate == 0


def _double(x: int, z: int) -> tuple[int, int]:
    sum_squared = (x + z) ** 2 % _P
    difference_squared = (x - z) ** 2 % _P
    e = (sum_squared - difference_squared) % _P
    return (
        sum_squared * difference_squared % _P,
        e * (sum_squared + _A24 * e) % _P,
    )
