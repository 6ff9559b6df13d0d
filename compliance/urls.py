"""URLs of the compliance app: each view module lists its own (``urls``)."""

from compliance.views import (
    accidents,
    bonded,
    cess,
    child,
    committees,
    factories,
    inspections,
    overview,
    voluntary,
    workshops,
)

app_name = "compliance"
urlpatterns = [*overview.urls, *bonded.urls, *child.urls, *factories.urls, *inspections.urls,
               *accidents.urls, *committees.urls, *workshops.urls, *cess.urls, *voluntary.urls]
