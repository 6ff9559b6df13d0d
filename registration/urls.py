"""URLs of registration: each view module lists its own (``urls``)."""

from registration.views import camps, cards, imports, workers

app_name = "registration"
urlpatterns = [*workers.urls, *camps.urls, *cards.urls, *imports.urls]
