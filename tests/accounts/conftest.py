import pytest

# The PDFs the matrices ask for, laid out once for the same input. The scope and personal matrices and the
# downloads' test ask every role for the same budget sheet and case letters: the views render their HTML for
# each request (with each role's masking, numbering and audit entry), and WeasyPrint laid out the same HTML
# again each time (25 layouts of 3 inputs in these modules, a tenth of their CPU; docs/benchmarks.md).
# A layout depends on its input alone (the HTML and style sheets as text, the base URL, the options), and
# that is the key: a role whose HTML differs by one character gets its own layout.
_LAYOUTS: dict[tuple, bytes] = {}
_LAYOUTS_KEPT = 16


@pytest.fixture(autouse=True)
def _pdf_laid_out_once(monkeypatch):
    import weasyprint

    html_init, css_init = weasyprint.HTML.__init__, weasyprint.CSS.__init__
    write_pdf = weasyprint.HTML.write_pdf

    def html_kept(self, *args, **kwargs):
        html_init(self, *args, **kwargs)
        self._source = kwargs.get("string") if not args else None

    def css_kept(self, *args, **kwargs):
        css_init(self, *args, **kwargs)
        self._source = kwargs.get("string") if not args else None

    def laid_out_once(self, target=None, **kwargs):
        sheets = tuple(getattr(sheet, "_source", None) for sheet in kwargs.get("stylesheets") or ())
        source = getattr(self, "_source", None)
        if target is not None or source is None or None in sheets:
            return write_pdf(self, target, **kwargs)
        options = tuple(sorted((k, repr(v)) for k, v in kwargs.items() if k != "stylesheets"))
        key = (source, sheets, self.base_url, self.media_type, options)
        if key not in _LAYOUTS:
            if len(_LAYOUTS) >= _LAYOUTS_KEPT:
                _LAYOUTS.pop(next(iter(_LAYOUTS)))
            _LAYOUTS[key] = write_pdf(self, **kwargs)
        return _LAYOUTS[key]

    monkeypatch.setattr(weasyprint.HTML, "__init__", html_kept)
    monkeypatch.setattr(weasyprint.CSS, "__init__", css_kept)
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", laid_out_once)
