from django.contrib import admin
from django.urls import include, path

from core.views.pages import HealthView

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("registration/", include("registration.urls")),
    path("v/", include("registration.urls_public")),
    path("welfare/", include("welfare.urls")),
    path("migrants/", include("migrants.urls")),
    path("employers/", include("employers.urls")),
    path("compliance/", include("compliance.urls")),
    path("", include("core.urls")),
]
