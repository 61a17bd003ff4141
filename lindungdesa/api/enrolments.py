"""BPJS TK memberships in the user's region (by the person's desa, or the extract's desa when unmatched)."""

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from lindungdesa.accounts.permissions import PEOPLE_VIEW
from lindungdesa.accounts.scope import scope_q
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.officials.models import Position

from .base import ERRORS, ID_MAX, HasAction, MaskedField, PersonalListMixin


def enrolments_for(user):
    in_scope = Position.objects.filter(scope_q(user, "desa__code"), person_id=OuterRef("person_id"))
    return Enrolment.objects.filter(Exists(in_scope) | (Q(person__isnull=True) & scope_q(user, "kode_desa")))


class EnrolmentOut(serializers.ModelSerializer):
    kpj = MaskedField("kpj")
    nik = MaskedField("nik")

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "person",
            "kpj",
            "nik",
            "bpjs_name",
            "programmes",
            "category",
            "wage",
            "start_date",
            "paid_through",
            "reported_status",
            "kode_desa",
            "as_of",
            "source",
        ]


class EnrolmentFilter(serializers.Serializer):
    person = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    unmatched = serializers.BooleanField(
        required=False, help_text="Hanya peserta yang belum cocok dengan orang."
    )


class EnrolmentList(PersonalListMixin, generics.ListAPIView):
    required_action = PEOPLE_VIEW
    permission_classes = [HasAction]
    serializer_class = EnrolmentOut
    personal_what = _("API: daftar kepesertaan")

    @extend_schema(
        operation_id="enrolments_list",
        parameters=[EnrolmentFilter],
        responses={200: EnrolmentOut(many=True), **ERRORS},
        summary="Daftar kepesertaan BPJS TK",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = EnrolmentFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        enrolments = enrolments_for(self.request.user).order_by("id")
        if "person" in data:
            enrolments = enrolments.filter(person_id=data["person"])
        if data.get("unmatched"):
            enrolments = enrolments.filter(person__isnull=True)
        return enrolments


class EnrolmentDetail(generics.RetrieveAPIView):
    required_action = PEOPLE_VIEW
    permission_classes = [HasAction]
    serializer_class = EnrolmentOut

    @extend_schema(
        operation_id="enrolments_retrieve",
        responses={200: EnrolmentOut, **ERRORS},
        summary="Satu kepesertaan",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(enrolments_for(self.request.user), pk=self.kwargs["pk"])
