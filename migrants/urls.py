"""URLs of the migrants app: each view module lists its own (``urls``)."""

from migrants.views import desks, register, surveys, tickets

app_name = "migrants"
urlpatterns = [*register.urls, *surveys.urls, *tickets.urls, *desks.urls]
