import pytest

from actionhub.rights.tests.people import someone_who_did_everything


@pytest.fixture
def everything(campaign):
    return someone_who_did_everything(campaign)
