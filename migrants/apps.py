from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MigrantsConfig(AppConfig):
    name = "migrants"
    verbose_name = _("Migrant workers")

    def ready(self):
        from migrants import home, scoping_rules  # noqa: F401
