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
