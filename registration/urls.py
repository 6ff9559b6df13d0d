"""URLs of registration: each view module lists its own (``urls``)."""

from registration.views import cards, imports, workers

app_name = "registration"
urlpatterns = [*workers.urls, *cards.urls, *imports.urls]
