from django_otp import DEVICE_ID_SESSION_KEY


def sign_in_with_code(client, organiser, device):
    """Sign `client` in as an organiser who has passed both steps (password and code)."""
    client.force_login(organiser)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
