from django.utils import timezone

from actionhub.letters.documents import PrintableLetter
from actionhub.letters.models import Letter


def printable_letter(letter: Letter) -> PrintableLetter:
    return PrintableLetter(
        sender_name=letter.sender_name,
        sender_address=letter.sender_address,
        sender_postcode=letter.postcode,
        sender_email=letter.sender_email,
        date=timezone.localdate(letter.submitted_at),
        mp_name=letter.mp_name,
        constituency=letter.constituency.name if letter.constituency else "",
        subject=letter.subject,
        body=letter.body,
    )
