"""The address phones must use, and its QR code."""

from __future__ import annotations

import io
import socket

import qrcode
import qrcode.image.svg


def lan_address() -> str:
    """The laptop's address on the local network (not localhost).

    Connecting a UDP socket sends no packet: it only asks the kernel which
    interface would route there, which is the one phones on the same Wi-Fi see."""
    for probe in ("10.255.255.255", "192.168.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 1))
                address = s.getsockname()[0]
            if not address.startswith("127.") and address != "0.0.0.0":
                return address
        except OSError:
            continue
    try:
        address = socket.gethostbyname(socket.gethostname())
        if not address.startswith("127."):
            return address
    except OSError:
        pass
    return "127.0.0.1"


def public_base_url(host: str, port: int, configured: str | None) -> str:
    if configured:
        return configured.rstrip("/")
    address = host if host not in ("0.0.0.0", "::", "") else lan_address()
    return f"http://{address}:{port}"


def no_delay(sock: socket.socket) -> socket.socket:
    """TCP_NODELAY: small frames (an ack, a patch) go out at once, not after
    Nagle's wait. Set on a listening socket, accepted sockets inherit it."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def qr_svg(data: str) -> str:
    """An SVG QR code (no Pillow needed), black on white for any phone camera."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def qr_terminal(data: str) -> str:
    """A QR code drawn with block characters, for the terminal."""
    qr = qrcode.QRCode(border=2)
    qr.add_data(data)
    qr.make(fit=True)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()
