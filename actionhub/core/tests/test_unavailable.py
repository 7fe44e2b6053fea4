"""503 with Retry-After only for a service that is away; a fault in the code stays a 500."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from actionhub.core.views import server_error


@pytest.mark.django_db
def test_a_missing_table_is_a_500_to_fix_not_a_503_to_wait_for():
    request = RequestFactory().get("/")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_here")
    except DatabaseError:
        response = server_error(request)

    assert response.status_code == 500
    assert "Retry-After" not in response
