"""Monitoring rounds and their cases: lists, one case with its history, moving a case by the rules."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from lindungdesa.accounts.permissions import CASE_EDIT, REGION_VIEW, require_object
from lindungdesa.monev import rules
from lindungdesa.monev.models import Case, CaseEvent, Round
from lindungdesa.monev.selectors import cases_for, note_for, rounds_for
from lindungdesa.monev.services import MonevError, case_move
from lindungdesa.regions.converters import RegionCodeConverter
from lindungdesa.regions.models import Region, under

from .base import ERRORS, HasAction, bad_request

REGION_CODE = rf"^{RegionCodeConverter.regex}$"


class RoundOut(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id")

    class Meta:
        model = Round
        fields = [
            "id",
            "province",
            "period",
            "evaluated_month",
            "criteria",
            "threshold",
            "state",
            "opened_at",
            "accepted_at",
        ]


class RoundList(generics.ListAPIView):
    required_action = REGION_VIEW
    permission_classes = [HasAction]
    serializer_class = RoundOut

    def get_queryset(self):
        return rounds_for(self.request.user).order_by("-opened_at", "-id")

    @extend_schema(
        operation_id="rounds_list", responses={200: RoundOut(many=True), **ERRORS}, summary="Putaran monev"
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EventOut(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField(
        help_text="null: catatan hanya untuk peran yang melihat data orang."
    )
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["from_state", "to_state", "note", "evidence", "user", "at"]

    def get_user(self, event) -> str:
        return event.user.get_username() if event.user else ""

    # Notes and evidence may name people and quote KPJ numbers: as the case page shows them (note_for).
    def get_note(self, event) -> str | None:
        return note_for(self.context["request"].user, event.case, event.note, event.user_id)

    def get_evidence(self, event) -> str | None:
        return note_for(self.context["request"].user, event.case, event.evidence, event.user_id)


class CaseOut(serializers.ModelSerializer):
    desa = serializers.CharField(source="desa_id")
    round = serializers.IntegerField(source="round_id")
    agency = serializers.CharField(source="agency.name", default="")

    class Meta:
        model = Case
        fields = [
            "id",
            "round",
            "desa",
            "state",
            "failed",
            "figures",
            "due_date",
            "agency",
            "letter_number",
            "opened_at",
            "closed_at",
        ]


class CaseDetailOut(CaseOut):
    events = EventOut(many=True, read_only=True)

    class Meta(CaseOut.Meta):
        fields = [*CaseOut.Meta.fields, "events"]


class CaseFilter(serializers.Serializer):
    round = serializers.IntegerField(required=False, min_value=1, max_value=2**31)
    state = serializers.ChoiceField(required=False, choices=list(rules.STATES))
    desa = serializers.CharField(required=False, max_length=13)
    region = serializers.RegexField(
        REGION_CODE,
        required=False,
        max_length=13,
        help_text="Kode Kemendagri wilayah, mis. 61.03: kasus desa di dalamnya (di dalam wilayah pengguna).",
        error_messages={"invalid": "Kode wilayah tidak dikenal; tulis seperti 61.03 atau 61.03.01.2007."},
    )

    def validate_region(self, code: str) -> str:
        if not Region.objects.filter(code=code).exists():
            raise serializers.ValidationError("Wilayah dengan kode ini tidak ada.")
        return code


class CaseList(generics.ListAPIView):
    required_action = REGION_VIEW
    permission_classes = [HasAction]
    serializer_class = CaseOut

    def get_queryset(self):
        params = CaseFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        cases = cases_for(self.request.user).select_related("agency").order_by("round_id", "desa_id")
        data = params.validated_data
        if "round" in data:
            cases = cases.filter(round_id=data["round"])
        if "state" in data:
            cases = cases.filter(state=data["state"])
        if "desa" in data:
            cases = cases.filter(desa_id=data["desa"])
        if "region" in data:
            # Inside the user's scope still (cases_for): a region outside it gives no case.
            cases = cases.filter(under(data["region"], "desa__code"))
        return cases

    @extend_schema(
        operation_id="cases_list",
        parameters=[CaseFilter],
        responses={200: CaseOut(many=True), **ERRORS},
        summary="Kasus tindak lanjut di wilayah pengguna",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CaseDetail(generics.RetrieveAPIView):
    required_action = REGION_VIEW
    permission_classes = [HasAction]
    serializer_class = CaseDetailOut

    def get_queryset(self):
        return (
            cases_for(self.request.user)
            .select_related("agency")
            .prefetch_related("events__user", "events__case")
        )

    @extend_schema(
        operation_id="cases_retrieve",
        responses={200: CaseDetailOut, **ERRORS},
        summary="Satu kasus dengan riwayatnya",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MoveIn(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=list(rules.STATES))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class CaseMove(APIView):
    required_action = CASE_EDIT
    permission_classes = [HasAction]

    @extend_schema(
        operation_id="cases_move",
        request=MoveIn,
        responses={200: CaseDetailOut, **ERRORS},
        summary="Pindahkan kasus ke status lain (menurut aturan monev)",
    )
    def post(self, request, pk: int):
        case = get_object_or_404(cases_for(request.user), pk=pk)
        require_object(request.user, CASE_EDIT, case.desa_id)
        data = MoveIn(data=request.data)
        data.is_valid(raise_exception=True)
        target = data.validated_data["to_state"]
        if not rules.role_may_move(request.user.role, target):
            return Response(
                {"detail": "Operator desa hanya mencatat penganggaran dan pendaftaran."},
                status=status.HTTP_403_FORBIDDEN,
            )
        try:
            case_move(
                case=case,
                to_state=target,
                user=request.user,
                note=data.validated_data["note"],
                today=timezone.localdate(),
            )
        except MonevError as exc:
            return bad_request(str(exc))
        case.refresh_from_db()
        return Response(CaseDetailOut(case, context={"request": request}).data)
