from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularYAMLAPIView

from . import views

app_name = "opendata"

# Stable addresses: a published dataset's URL is cited in reports and used by scripts.
urlpatterns = [
    path("data-terbuka/", views.index, name="index"),
    path("api/v1/", views.ApiRoot.as_view(), name="api_root"),
    path("api/v1/villages/", views.VillageList.as_view(), name="villages"),
    path("api/v1/products/", views.ProductList.as_view(), name="products"),
    path("api/v1/producers/", views.ProducerList.as_view(), name="producers"),
    path("api/v1/designations/", views.DesignationList.as_view(), name="designations"),
    path("api/v1/assistance/", views.AssistanceList.as_view(), name="assistance"),
    path("api/v1/csv/<slug:name>.csv", views.DatasetCsv.as_view(), name="csv"),
    path("api/v1/openapi.json", SpectacularJSONAPIView.as_view(), name="schema_json"),
    path("api/v1/openapi.yaml", SpectacularYAMLAPIView.as_view(), name="schema_yaml"),
]
