"""Import batches: upload a file (run by the same services and background job as the pages), and status."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from lindungdesa.accounts.permissions import BPJS_IMPORT, IMPORT_VIEW, ROSTER_IMPORT, require, require_object
from lindungdesa.imports.engine import batch_create
from lindungdesa.imports.forms import MAX_UPLOAD_MB
from lindungdesa.imports.models import ImportBatch, RejectedRow
from lindungdesa.imports.retention import QuotaExceeded, upload_quota_check
from lindungdesa.imports.selectors import batches_for, message_masker
from lindungdesa.imports.services import batch_commit_preview
from lindungdesa.imports.tasks import import_batch_run, progress_of
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region

from .base import ERRORS, HasAction

IMPORTING = (ROSTER_IMPORT, BPJS_IMPORT)


class BatchOut(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", default=None, read_only=True)
    rows_done = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "state",
            "dry_run",
            "file_name",
            "uploaded_by",
            "scope_code",
            "default_desa",
            "as_of",
            "created_at",
            "finished_at",
            "progress",
            "rows_done",
            "message",
            "total_rows",
            "accepted",
            "rejected",
            "created",
            "updated",
            "unchanged",
            "warnings",
        ]

    def to_representation(self, batch):
        data = super().to_representation(batch)
        # As the batch's page shows them: names and quoted values as the reader may read them.
        masked = message_masker(self.context["request"].user, batch)
        data["warnings"] = [{**w, "message": masked(w.get("message", ""))} for w in data["warnings"] or []]
        return data

    def get_rows_done(self, batch) -> int | None:
        progress = progress_of(batch)
        return progress[0] if progress else None


class BatchFilter(serializers.Serializer):
    kind = serializers.ChoiceField(required=False, choices=ImportBatch.Kind.choices)
    state = serializers.ChoiceField(required=False, choices=ImportBatch.State.choices)


class BatchList(generics.ListAPIView):
    required_action = IMPORT_VIEW
    permission_classes = [HasAction]
    serializer_class = BatchOut

    @extend_schema(
        operation_id="imports_list",
        parameters=[BatchFilter],
        responses={200: BatchOut(many=True), **ERRORS},
        summary="Daftar impor",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = BatchFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        batches = batches_for(self.request.user).select_related("uploaded_by")
        for name in ("kind", "state"):
            if params.validated_data.get(name):
                batches = batches.filter(**{name: params.validated_data[name]})
        return batches


class BatchDetail(generics.RetrieveAPIView):
    required_action = IMPORT_VIEW
    permission_classes = [HasAction]
    serializer_class = BatchOut

    @extend_schema(
        operation_id="imports_retrieve", responses={200: BatchOut, **ERRORS}, summary="Status satu impor"
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(
            batches_for(self.request.user).select_related("uploaded_by"), pk=self.kwargs["pk"]
        )


class RejectedOut(serializers.ModelSerializer):
    """A row that was not taken and why, as the batch's page lists it (the row's cells, which name people,
    come only in the page's audited download)."""

    class Meta:
        model = RejectedRow
        fields = ["row_number", "field", "message"]

    def to_representation(self, row):
        data = super().to_representation(row)
        data["message"] = self.context["masked"](data["message"])
        return data


class RejectedList(generics.ListAPIView):
    required_action = IMPORT_VIEW
    permission_classes = [HasAction]
    serializer_class = RejectedOut

    @extend_schema(
        operation_id="imports_rejected_list",
        responses={200: RejectedOut(many=True), **ERRORS},
        summary="Baris yang ditolak satu impor, dengan kolom dan alasannya",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def _batch(self) -> ImportBatch:
        if not hasattr(self, "_found"):
            self._found = get_object_or_404(batches_for(self.request.user), pk=self.kwargs["pk"])
        return self._found

    def get_queryset(self):
        return self._batch().rejected_rows.all()

    def get_serializer_context(self):
        # Names and quoted values as the reader may read them (`message_masker`, as the page).
        masked = message_masker(self.request.user, self._batch())
        return {**super().get_serializer_context(), "masked": masked}


class UploadIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportBatch.Kind.choices)
    file = serializers.FileField(
        help_text=f"CSV, XLSX atau unduhan OpenSID; paling besar {MAX_UPLOAD_MB} MB."
    )
    month = serializers.CharField(
        required=False, max_length=7, help_text="Bulan ekstrak BPJS (TTTT-BB); wajib untuk bpjs."
    )
    desa = serializers.CharField(
        required=False, max_length=13, help_text="Kode desa untuk daftar tanpa kolom kode_desa."
    )
    dry_run = serializers.BooleanField(
        required=False, default=True, help_text="Uji coba: tidak menyimpan apa pun."
    )

    def validate_file(self, upload):
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise serializers.ValidationError(f"Berkas lebih besar dari {MAX_UPLOAD_MB} MB.")
        return upload

    def validate_month(self, value: str) -> Month:
        try:
            month = Month.parse(value)
        except ValueError:
            raise serializers.ValidationError("Bulan harus berbentuk TTTT-BB, mis. 2026-10.") from None
        if month > Month.of(timezone.localdate()) or month.year < 2000:
            raise serializers.ValidationError("Bulan ini di luar rentang yang mungkin.")
        return month

    def validate_desa(self, value: str) -> Region:
        desa = Region.objects.filter(code=value.strip()).first()
        if desa is None or not desa.is_village:
            raise serializers.ValidationError("Desa dengan kode ini tidak ada.")
        return desa

    def validate(self, data):
        if data["kind"] == ImportBatch.Kind.BPJS and not data.get("month"):
            raise serializers.ValidationError({"month": ["Bulan ekstrak BPJS wajib diisi."]})
        return data


class BatchUpload(APIView):
    required_action = IMPORTING
    permission_classes = [HasAction]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_create",
        request={"multipart/form-data": UploadIn},
        responses={202: BatchOut, **ERRORS},
        summary="Mengunggah berkas impor",
    )
    def post(self, request):
        data = UploadIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        is_bpjs = values["kind"] == ImportBatch.Kind.BPJS
        require(request.user, BPJS_IMPORT if is_bpjs else ROSTER_IMPORT)
        desa = None if is_bpjs else values.get("desa")
        if desa is None and request.user.region_id and request.user.region.level == 4 and not is_bpjs:
            desa = request.user.region  # a village operator imports for its own desa
        if desa is not None:
            require_object(request.user, ROSTER_IMPORT, desa.code)
        upload = values["file"]
        try:
            upload_quota_check(user=request.user, size=upload.size)
        except QuotaExceeded as exc:
            raise serializers.ValidationError({"file": [str(exc)]}) from None
        batch = batch_create(
            kind=values["kind"],
            data=upload.read(),
            file_name=upload.name,
            user=request.user,
            scope_code=request.user.region_id or "",
            default_desa=desa,
            as_of=values["month"].first_day if is_bpjs else None,
            dry_run=values["dry_run"],
            save=True,
        )
        import_batch_run.enqueue(batch.pk)
        batch.refresh_from_db()
        return Response(BatchOut(batch, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class BatchCommit(APIView):
    required_action = IMPORTING
    permission_classes = [HasAction]

    @extend_schema(
        operation_id="imports_commit",
        request=None,
        responses={202: BatchOut, **ERRORS},
        summary="Menyimpan hasil uji coba",
    )
    def post(self, request, pk: int):
        batch = get_object_or_404(batches_for(request.user), pk=pk)
        action = BPJS_IMPORT if batch.kind == ImportBatch.Kind.BPJS else ROSTER_IMPORT
        if batch.uploaded_by_id != request.user.pk:
            require_object(request.user, action, batch.scope_code)
        else:
            require(request.user, action)
        try:
            batch_commit_preview(batch)
        except ValueError as exc:
            return Response({"detail": str(exc), "errors": {}}, status=status.HTTP_400_BAD_REQUEST)
        import_batch_run.enqueue(batch.pk)
        batch.refresh_from_db()
        return Response(BatchOut(batch, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
