"""Budgets: a region's premium budget for a fiscal year and scenario, as `lindungdesa budget --json`."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from lindungdesa.accounts.permissions import REGION_VIEW
from lindungdesa.accounts.scope import region_for_user
from lindungdesa.budget.compute import Scenario, parse_year
from lindungdesa.budget.selectors import region_budget

from .base import ERRORS, HasAction


class BudgetIn(serializers.Serializer):
    year = serializers.CharField(
        required=False, max_length=4, help_text="Tahun anggaran; bawaan tahun depan."
    )
    scenario = serializers.CharField(
        required=False,
        max_length=60,
        help_text="current, all-serving, dengan tambahan +JHT, +JP atau +risiko-N (mis. all-serving+JHT).",
    )

    def validate_year(self, value: str) -> int:
        try:
            return parse_year(value, this_year=timezone.localdate().year)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_scenario(self, value: str) -> Scenario:
        try:
            return Scenario.parse(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class AmountsOut(serializers.Serializer):
    region = serializers.CharField()
    year = serializers.IntegerField()
    scenario = serializers.CharField()
    persons = serializers.IntegerField()
    total = serializers.IntegerField(help_text="rupiah penuh")
    by_source = serializers.DictField(child=serializers.IntegerField(), help_text="APBD, APBDES, PESERTA")
    by_programme = serializers.DictField(child=serializers.IntegerField(), help_text="JKK, JKM, JHT, JP")
    by_account = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="The APBDes part by account code (kode rekening, Permendagri 20/2018), e.g. 5.1.3.03",
    )


class BudgetOut(AmountsOut):
    children = AmountsOut(many=True)


class Budget(APIView):
    required_action = REGION_VIEW
    permission_classes = [HasAction]

    @extend_schema(
        operation_id="budget_retrieve",
        parameters=[BudgetIn, OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={200: BudgetOut, **ERRORS},
        summary="Anggaran iuran satu wilayah untuk satu tahun anggaran (jumlah per sumber dan program)",
    )
    def get(self, request, code: str):
        region = region_for_user(request.user, code)
        params = BudgetIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        year = params.validated_data.get("year") or timezone.localdate().year + 1
        scenario = params.validated_data.get("scenario") or Scenario()
        return Response(region_budget(region, year, scenario, lines=False).as_dict())
