"""URLs of welfare: each view module lists its own (``urls``)."""

from welfare.views import applications, batches, schemes

app_name = "welfare"
urlpatterns = [*schemes.urls, *applications.urls, *batches.urls]
