"""GET /api/regions/ and /api/regions/{code}/: the Kemendagri regions the user may see."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from lindungdesa.accounts.permissions import REGION_VIEW
from lindungdesa.accounts.scope import scoped
from lindungdesa.regions.models import Region

from .base import ERRORS, HasAction


class RegionOut(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent", "province_code", "regency_code", "district_code"]


class RegionFilter(serializers.Serializer):
    parent = serializers.CharField(required=False, max_length=13)
    level = serializers.IntegerField(required=False, min_value=1, max_value=4)
    q = serializers.CharField(required=False, max_length=80, help_text="Bagian dari nama.")


class RegionList(generics.ListAPIView):
    required_action = REGION_VIEW
    permission_classes = [HasAction]
    serializer_class = RegionOut

    @extend_schema(
        operation_id="regions_list",
        parameters=[RegionFilter],
        responses={200: RegionOut(many=True), **ERRORS},
        summary="Daftar wilayah",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = RegionFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        regions = scoped(Region.objects.all(), self.request.user).order_by("code")
        data = params.validated_data
        if "parent" in data:
            regions = regions.filter(parent_id=data["parent"])
        if "level" in data:
            regions = regions.filter(level=data["level"])
        if data.get("q"):
            regions = regions.filter(name__icontains=data["q"])
        return regions


class RegionDetail(generics.RetrieveAPIView):
    required_action = REGION_VIEW
    permission_classes = [HasAction]
    serializer_class = RegionOut

    @extend_schema(
        operation_id="regions_retrieve",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="mis. 61.03")],
        responses={200: RegionOut, **ERRORS},
        summary="Satu wilayah",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(scoped(Region.objects.all(), self.request.user), code=self.kwargs["code"])
