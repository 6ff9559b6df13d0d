"""URLs of the compliance app: each view module lists its own (``urls``)."""

from compliance.views import bonded, child, overview

app_name = "compliance"
urlpatterns = [*overview.urls, *bonded.urls, *child.urls]
