from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "actionhub.rights"
    label = "rights"
    verbose_name = "Supporters' data rights"

    def ready(self):
        from actionhub.rights.models import AccessLink, DataRequest, PreparedExport
        from actionhub.supporters.services import NOT_A_USE

        NOT_A_USE.add(AccessLink)  # a link to see one's data keeps nobody on file
        NOT_A_USE.add(DataRequest)  # nor does a request about it: it keeps its own address
        NOT_A_USE.add(PreparedExport)  # nor a download of it being made
