"""A logging filter that keeps personal data out of every log record (installed in settings.LOGGING)."""

import logging

from .pii import mask_text


class MaskPersonalData(logging.Filter):
    """Masks NIK-, KPJ- and phone-like digit strings in the message and in a logged traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        record.msg = mask_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


class RefusalsInOneLine(logging.Filter):
    """A refused request (400, 403, 404) is the system working, not failing: one line with the path and the
    reason, without the traceback Django attaches to it. That includes Django's security refusals (a
    request for a host not in ALLOWED_HOSTS, a bad session cookie: loggers `django.security.*`, 400).
    Server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        refusal = record.name == "django.request" or record.name.startswith("django.security")
        if refusal and status is not None and 400 <= status < 500 and record.exc_info:
            exc = record.exc_info[1] if isinstance(record.exc_info, tuple) else record.exc_info
            reason = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
            try:
                message = record.getMessage()
            except Exception:
                message = str(record.msg)
            record.msg = f"{message} ({reason})" if reason else message
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class NoEmptyTraceback(logging.Filter):
    """`logger.exception` called with no exception at hand leaves exc_info (None, None, None), which the
    formatter writes as a line "NoneType: None". django-tasks logs every failed task's end so, including a
    task the recovery marks failed for a dead worker (workers/services.py), outside any exception."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.exc_info, tuple) and record.exc_info[0] is None:
            record.exc_info = None
        return True
