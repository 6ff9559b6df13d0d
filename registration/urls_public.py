"""Public URLs of registration (mounted at /v/: short, for QR codes)."""

from registration.views import public

app_name = "registration_public"
urlpatterns = [*public.urls]
