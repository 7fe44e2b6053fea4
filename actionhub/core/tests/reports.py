"""Reports as mail servers and mailbox providers send them back about an email we sent."""


def delivery_status_report(*, message_id: str, recipient: str, status: str = "5.1.1") -> bytes:
    """A bounce (RFC 3464); a 4.x.x status is a temporary failure."""
    action = "failed"
    diagnostic = "550 5.1.1 User unknown" if status.startswith("5") else "452 4.2.2 Mailbox full"
    return f"""From: Mail Delivery System <mailer-daemon@mx.example>
To: noreply@localhost
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {diagnostic}

--B
Content-Type: text/rfc822-headers

Message-ID: {message_id}
Subject: Persecution of Uyghurs

--B--
""".encode()


def complaint_report(*, message_id: str, recipient: str) -> bytes:
    """A spam complaint (RFC 5965 feedback report), as a mailbox provider's loop sends it."""
    return f"""From: Feedback Loop <fbl@provider.example>
To: noreply@localhost
Subject: Complaint about a message from you
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F"

--F
Content-Type: text/plain

A user of ours reported this message as spam.
--F
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ProviderFBL/1.0
Version: 1
Original-Rcpt-To: {recipient}

--F
Content-Type: message/rfc822

From: Campaign <noreply@localhost>
To: {recipient}
Message-ID: {message_id}
Subject: Demonstrate with us on Sunday

Join us.
--F--
""".encode()
