from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "actionhub.rights"
    label = "rights"
    verbose_name = "Supporters' data rights"

    def ready(self):
        from actionhub.rights.models import AccessLink, DataRequest, PreparedExport
        from actionhub.rights.operations import address_elsewhere_forget
        from actionhub.supporters.services import ERASE_STEPS, NOT_A_USE

        ERASE_STEPS.append(address_elsewhere_forget)

        NOT_A_USE.add(AccessLink)  # a link to see one's data keeps nobody on file
        NOT_A_USE.add(DataRequest)  # nor does a request about it: it keeps its own address
        NOT_A_USE.add(PreparedExport)  # nor a download of it being made
