"""Indicators (live, as the dashboard computes them), monthly snapshots and targets."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from lindungdesa.accounts.permissions import REGION_VIEW, TARGET_EDIT, require_object
from lindungdesa.accounts.scope import region_for_user, scoped
from lindungdesa.indicators.models import RegionFigure, Snapshot, Target
from lindungdesa.indicators.selectors import region_indicators
from lindungdesa.indicators.services import target_set
from lindungdesa.lib.months import Month

from .base import ERRORS, HasAction


class TotalsOut(serializers.Serializer):
    villages = serializers.IntegerField()
    villages_registered = serializers.IntegerField()
    villages_registered_pct = serializers.FloatField(allow_null=True)
    villages_fully_covered = serializers.IntegerField()
    aparat_serving = serializers.IntegerField()
    aparat_protected = serializers.IntegerField()
    aparat_coverage_pct = serializers.FloatField(allow_null=True)
    bpd_serving = serializers.IntegerField()
    bpd_protected = serializers.IntegerField()
    bpd_coverage_pct = serializers.FloatField(allow_null=True)


class ChildOut(TotalsOut):
    region = serializers.CharField()
    name = serializers.CharField()


class IndicatorsOut(TotalsOut):
    region = serializers.CharField()
    name = serializers.CharField()
    period = serializers.CharField()
    children = ChildOut(many=True)


class PeriodIn(serializers.Serializer):
    period = serializers.CharField(required=False, max_length=7, help_text="TTTT-BB; bawaan bulan ini.")

    def validate_period(self, value: str) -> Month:
        try:
            month = Month.parse(value)
        except ValueError:
            raise serializers.ValidationError("Periode harus berbentuk TTTT-BB, mis. 2026-03.") from None
        if not 2000 <= month.year <= 2100:
            raise serializers.ValidationError("Periode di luar rentang 2000–2100.")
        return month


class Indicators(APIView):
    required_action = REGION_VIEW
    permission_classes = [HasAction]

    @extend_schema(
        operation_id="indicators_retrieve",
        parameters=[PeriodIn, OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={200: IndicatorsOut, **ERRORS},
        summary="Indikator cakupan satu wilayah (dihitung langsung)",
    )
    def get(self, request, code: str):
        region = region_for_user(request.user, code)
        params = PeriodIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        period = params.validated_data.get("period") or Month.of(timezone.localdate())
        return Response(region_indicators(region, period).as_dict())


class SnapshotOut(serializers.ModelSerializer):
    class Meta:
        model = Snapshot
        fields = ["period", "made_at", "data_version", "grace_months", "regions", "batches"]


class SnapshotList(generics.ListAPIView):
    required_action = REGION_VIEW
    permission_classes = [HasAction]
    serializer_class = SnapshotOut
    queryset = Snapshot.objects.filter(kind=Snapshot.Kind.MONTHLY).order_by("-period")

    @extend_schema(
        operation_id="snapshots_list",
        responses={200: SnapshotOut(many=True), **ERRORS},
        summary="Daftar potret bulanan",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class FigureOut(serializers.ModelSerializer):
    class Meta:
        model = RegionFigure
        fields = ["region_code", "parent_code", "level", *RegionFigure.COUNTS]


class FigureFilter(serializers.Serializer):
    parent = serializers.CharField(required=False, max_length=13, help_text="Hanya anak wilayah ini.")
    region = serializers.CharField(required=False, max_length=13, help_text="Hanya wilayah ini.")


class SnapshotFigures(generics.ListAPIView):
    required_action = REGION_VIEW
    permission_classes = [HasAction]
    serializer_class = FigureOut

    @extend_schema(
        operation_id="snapshots_figures_list",
        parameters=[
            FigureFilter,
            OpenApiParameter("period", str, OpenApiParameter.PATH, description="TTTT-BB"),
        ],
        responses={200: FigureOut(many=True), **ERRORS},
        summary="Angka setiap wilayah dalam satu potret",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        snapshot = get_object_or_404(Snapshot, period=self.kwargs["period"], kind=Snapshot.Kind.MONTHLY)
        params = FigureFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        figures = scoped(snapshot.figures.all(), self.request.user, "region_code").order_by("region_code")
        if params.validated_data.get("parent"):
            figures = figures.filter(parent_code=params.validated_data["parent"])
        if params.validated_data.get("region"):
            figures = figures.filter(region_code=params.validated_data["region"])
        return figures


class TargetOut(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["region_code", "indicator", "year", "value", "source"]


class TargetFilter(serializers.Serializer):
    region = serializers.CharField(required=False, max_length=13)
    indicator = serializers.ChoiceField(required=False, choices=Target.Indicator.choices)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class TargetList(generics.ListAPIView):
    required_action = REGION_VIEW
    permission_classes = [HasAction]
    serializer_class = TargetOut

    @extend_schema(
        operation_id="targets_list",
        parameters=[TargetFilter],
        responses={200: TargetOut(many=True), **ERRORS},
        summary="Daftar target",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = TargetFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        targets = scoped(Target.objects.all(), self.request.user, "region_code")
        if data.get("region"):
            targets = targets.filter(region_code=data["region"])
        if data.get("indicator"):
            targets = targets.filter(indicator=data["indicator"])
        if data.get("year"):
            targets = targets.filter(year=data["year"])
        return targets


class TargetIn(serializers.Serializer):
    region_code = serializers.CharField(max_length=13)
    indicator = serializers.ChoiceField(choices=Target.Indicator.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    value = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        allow_null=True,
        help_text="Persen; null menghapus target.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class TargetSet(APIView):
    required_action = TARGET_EDIT
    permission_classes = [HasAction]

    @extend_schema(
        operation_id="targets_set",
        request=TargetIn,
        responses={200: TargetOut, 204: None, **ERRORS},
        summary="Menetapkan (atau menghapus) satu target",
    )
    def put(self, request):
        data = TargetIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        region = region_for_user(request.user, values["region_code"])
        require_object(request.user, TARGET_EDIT, region.code)
        target = target_set(
            region_code=region.code,
            indicator=values["indicator"],
            year=values["year"],
            value=values["value"],
            note=values["note"],
            user=request.user,
        )
        if target is None:
            return Response(status=204)
        return Response(TargetOut(target).data)
