"""Setting up an authenticator app on a phone: the QR code must scan."""

import io
from base64 import b32encode
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from actionhub.staff.tests.factories import PASSWORD
from actionhub.tests.browser import enter_setup_code

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_the_set_up_qr_code_fits_the_screen_and_scans(campaign, organiser, page, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/organisers/sign-in/?next=/admin/")
    page.get_by_label("Username").fill(organiser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/organisers/sign-in/set-up/")
    enter_setup_code(page, organiser)

    qr = page.locator(".qr svg")
    box = qr.bounding_box()
    assert box["width"] == pytest.approx(box["height"], abs=1), "square, not squeezed"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, "within the screen"
    assert box["width"] >= 150, "large enough for a phone's camera"
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    image = Image.open(io.BytesIO(qr.screenshot())).convert("L")
    # The reader may find one code more than once (at several scales); what
    # matters is that every reading is a QR code and all say the same thing.
    barcodes = zxingcpp.read_barcodes(image)
    assert barcodes, "the code scans"
    assert {barcode.format for barcode in barcodes} == {zxingcpp.BarcodeFormat.QRCode}
    [text] = {barcode.text for barcode in barcodes}

    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    assert text == device.config_url
    uri = urlsplit(text)
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    secret = parse_qs(uri.query)["secret"][0]
    assert secret == b32encode(device.bin_key).decode().rstrip("=")
