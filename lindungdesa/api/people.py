"""People and their positions: lists and details in the user's region, appointing and ending a term."""

from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from lindungdesa.accounts.permissions import PEOPLE_VIEW, ROSTER_EDIT, require_object
from lindungdesa.accounts.scope import scope_q, scoped
from lindungdesa.lib.pii import age_band
from lindungdesa.lib.values import CellError, parse_phone
from lindungdesa.officials.models import Acting, Office, Person, Position, serving_on
from lindungdesa.officials.services import position_appoint, position_end
from lindungdesa.regions.models import Region, under

from .base import (
    ERRORS,
    HasAction,
    MaskedField,
    PersonalListMixin,
    WithheldChoiceField,
    WithheldDateField,
    day_field,
)


def positions_for(user):
    return scoped(Position.objects.select_related("desa"), user, "desa__code")


def people_for(user):
    """People holding (or having held) an office in a desa of the user's region."""
    return Person.objects.filter(
        Exists(Position.objects.filter(scope_q(user, "desa__code"), person_id=OuterRef("pk")))
    )


class PositionOut(serializers.ModelSerializer):
    desa_name = serializers.CharField(source="desa.name", read_only=True)
    office_label = serializers.CharField(read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "person",
            "desa",
            "desa_name",
            "group",
            "office",
            "office_label",
            "acting",
            "unit_name",
            "term_start",
            "term_end",
            "planned_term_end",
            "end_reason",
            "sk_number",
            "sk_date",
            "monthly_income",
        ]


class PersonOut(serializers.ModelSerializer):
    nik = MaskedField("nik")
    phone = MaskedField("phone")
    # Withheld (null) for roles without the personal-data right, who get the decade of age instead.
    sex = WithheldChoiceField(choices=Person.Sex.choices, read_only=True, allow_null=True)
    birth_date = WithheldDateField(read_only=True, allow_null=True)
    age_band = serializers.SerializerMethodField(help_text='Umur hari ini per sepuluh tahun, mis. "40-49".')
    positions = PositionOut(many=True, read_only=True, source="scoped_positions")

    class Meta:
        model = Person
        fields = ["id", "nik", "name", "sex", "birth_date", "age_band", "phone", "positions"]

    def get_age_band(self, person) -> str:
        return age_band(person.birth_date, timezone.localdate())


class PeopleFilter(serializers.Serializer):
    region = serializers.CharField(required=False, max_length=13)
    q = serializers.CharField(required=False, max_length=100, help_text="Bagian dari nama.")


def _with_positions(people, user):
    return people.prefetch_related(
        Prefetch("positions", queryset=positions_for(user).order_by("term_start"), to_attr="scoped_positions")
    )


class PersonList(PersonalListMixin, generics.ListAPIView):
    required_action = PEOPLE_VIEW
    permission_classes = [HasAction]
    serializer_class = PersonOut
    personal_what = _("API: daftar orang")

    @extend_schema(
        operation_id="people_list",
        parameters=[PeopleFilter],
        responses={200: PersonOut(many=True), **ERRORS},
        summary="Daftar orang (aparat dan BPD)",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = PeopleFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        people = people_for(self.request.user)
        if params.validated_data.get("region"):
            code = params.validated_data["region"]
            people = people.filter(
                Exists(Position.objects.filter(under(code, "desa__code"), person_id=OuterRef("pk")))
            )
        if params.validated_data.get("q"):
            people = people.filter(name__icontains=params.validated_data["q"])
        return _with_positions(people.order_by("name", "id"), self.request.user)


class PersonDetail(generics.RetrieveAPIView):
    required_action = PEOPLE_VIEW
    permission_classes = [HasAction]
    serializer_class = PersonOut

    @extend_schema(operation_id="people_retrieve", responses={200: PersonOut, **ERRORS}, summary="Satu orang")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(
            _with_positions(people_for(self.request.user), self.request.user), pk=self.kwargs["pk"]
        )


class PositionFilter(serializers.Serializer):
    region = serializers.CharField(required=False, max_length=13)
    serving_on = day_field(required=False, help_text="Hanya yang menjabat pada tanggal ini.")
    group = serializers.ChoiceField(required=False, choices=["APARAT", "BPD"])


class PositionList(PersonalListMixin, generics.ListAPIView):
    required_action = PEOPLE_VIEW
    permission_classes = [HasAction]
    serializer_class = PositionOut
    personal_what = _("API: daftar jabatan")

    @extend_schema(
        operation_id="positions_list",
        parameters=[PositionFilter],
        responses={200: PositionOut(many=True), **ERRORS},
        summary="Daftar jabatan",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = PositionFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        positions = positions_for(self.request.user).order_by("desa_id", "id")
        if data.get("region"):
            positions = positions.filter(under(data["region"], "desa__code"))
        if data.get("serving_on"):
            positions = positions.filter(serving_on(data["serving_on"]))
        if data.get("group"):
            positions = positions.filter(group=data["group"])
        return positions


class PositionDetail(generics.RetrieveAPIView):
    required_action = PEOPLE_VIEW
    permission_classes = [HasAction]
    serializer_class = PositionOut

    @extend_schema(
        operation_id="positions_retrieve", responses={200: PositionOut, **ERRORS}, summary="Satu jabatan"
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(positions_for(self.request.user), pk=self.kwargs["pk"])


class AppointIn(serializers.Serializer):
    nik = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        help_text=(
            "NIK 16 digit. Boleh kosong bila belum ada: nama dan tanggal lahir lalu wajib, dan orangnya "
            'dikenali di desa itu dari nama dan tanggal lahir, seperti pada impor ("NIK belum ada").'
        ),
    )
    name = serializers.CharField(max_length=150)
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False)
    birth_date = day_field(required=False)
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="Nomor HP, mis. 081234567890 atau +62 812-3456-7890 (disimpan 081234567890).",
    )
    desa = serializers.CharField(max_length=13, help_text="Kode desa, mis. 61.03.01.2007.")
    office = serializers.ChoiceField(choices=Office.choices)
    acting = serializers.ChoiceField(choices=Acting.choices, required=False, default="")
    unit_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    term_start = day_field()
    term_end = day_field(required=False, allow_null=True)
    sk_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    sk_date = day_field(required=False, allow_null=True)
    monthly_income = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)

    def validate_phone(self, text: str) -> str:
        # The same parser as the imports: national form, digits only ("081234567890"), or empty.
        try:
            return parse_phone(text)
        except CellError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_desa(self, code: str) -> Region:
        desa = Region.objects.filter(code=code.strip()).first()
        if desa is None or not desa.is_village:
            raise serializers.ValidationError("Desa dengan kode ini tidak ada.")
        return desa

    def validate_nik(self, text: str | None) -> str | None:
        # Blank is no NIK: the service then asks for the birth date (the imports' rule and message).
        return (text or "").strip() or None


class PositionCreate(APIView):
    required_action = ROSTER_EDIT
    permission_classes = [HasAction]

    @extend_schema(
        operation_id="positions_create",
        request=AppointIn,
        responses={201: PositionOut, **ERRORS},
        summary="Mengangkat orang pada jabatan",
    )
    def post(self, request):
        data = AppointIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        require_object(request.user, ROSTER_EDIT, values["desa"].code)
        position = position_appoint(region=request.user.region_id, **values)
        return Response(
            PositionOut(position, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class EndIn(serializers.Serializer):
    last_day = day_field()
    reason = serializers.ChoiceField(choices=Position.EndReason.choices)

    def validate_reason(self, value: str) -> str:
        if not value:
            raise serializers.ValidationError("Alasan berakhir wajib dipilih.")
        return value


class PositionEnd(APIView):
    required_action = ROSTER_EDIT
    permission_classes = [HasAction]

    @extend_schema(
        operation_id="positions_end",
        request=EndIn,
        responses={200: PositionOut, **ERRORS},
        summary="Mengakhiri masa jabatan",
    )
    def post(self, request, pk: int):
        position = get_object_or_404(positions_for(request.user), pk=pk)
        require_object(request.user, ROSTER_EDIT, position.desa_id)
        data = EndIn(data=request.data)
        data.is_valid(raise_exception=True)
        position = position_end(region=request.user.region_id, position=position, **data.validated_data)
        return Response(PositionOut(position, context={"request": request}).data)
