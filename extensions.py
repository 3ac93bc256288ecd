"""Unbound extensions; app.py binds them with init_app()."""

from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from htmx_flask import Htmx

from views.csrf import MaskedCSRFProtect

babel = Babel()
compress = Compress()  # gzip, brotli and zstd for text answers of 500 bytes and more
csrf = MaskedCSRFProtect()  # tokens masked in every response (views/csrf.py)
htmx = Htmx()
login_manager = LoginManager()
