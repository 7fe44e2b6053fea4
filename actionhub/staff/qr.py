"""The authenticator set-up QR code, drawn as inline SVG that scales to its container."""

import segno

# The QR code standard asks for a quiet zone of four modules around the symbol.
QUIET_ZONE = 4


def qr_svg(*, data: str, title: str) -> str:
    """An SVG with a viewBox and no fixed size, so CSS can scale it without cutting it off.

    The light background covers the quiet zone, so the code scans on any page colour.
    """
    return segno.make(data, error="m").svg_inline(
        omitsize=True, border=QUIET_ZONE, title=title, dark="#000", light="#fff"
    )
