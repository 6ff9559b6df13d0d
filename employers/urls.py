"""URLs of the employers app: each view module lists its own (``urls``)."""

from employers.views import establishments

app_name = "employers"
urlpatterns = [*establishments.urls]
