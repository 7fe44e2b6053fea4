"""Every form's error summary (the shared forms/_errors.html): first in the main content,
named "There is a problem", taking focus, and linking each error to its field."""

import re

import pytest

pytestmark = pytest.mark.django_db

FORMS = [
    "/pledge/stop-uyghur-genocide/",
    "/write-to-your-mp/general/",
    "/demonstration/",
    "/organisers/sign-in/",
]


@pytest.mark.parametrize("url", FORMS)
def test_an_empty_form_opens_with_its_error_summary(campaign, client, url):
    response = client.post(url, {"first_name": "", "username": ""})  # a form, left empty
    assert response.status_code in (200, 400)
    html = response.content.decode()
    main = html[html.index('<main id="main"') :]
    [summary] = re.findall(r"<div class=\"error-summary\"[^>]*>", main)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "autofocus" in summary, "focus moves to it even without the script"
    assert main.index("error-summary") < main.index("<h1"), "before the page's own content"
    assert "/static/js/error-summary.js" in main
    assert re.search(r"<title>Error: ", html)
    links = re.findall(r'<li><a href="#([^"]+)">', main[main.index("error-summary") :])
    assert links
    for field_id in links:
        assert f'id="{field_id}"' in main, f"#{field_id} is a field on the page"


def test_a_page_without_errors_has_no_summary_and_no_script(campaign, client):
    html = client.get("/pledge/stop-uyghur-genocide/").content.decode()
    assert "error-summary" not in html
