"""Unbound extensions; app.py binds them with init_app()."""

from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

babel = Babel()
compress = Compress()  # gzip, brotli and zstd for text answers of 500 bytes and more
csrf = CSRFProtect()
htmx = Htmx()
login_manager = LoginManager()
