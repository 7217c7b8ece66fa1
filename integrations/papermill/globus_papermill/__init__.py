"""Papermill parameters for notebooks of the Globus kernel.

Importing this package registers :class:`GlobusTranslator` with papermill for the kernel's
language and kernel name (both ``globus``). Papermill imports it by itself, through the
``papermill.engine`` entry point (see ``engine.py``), so a plain ``papermill`` run needs no flag.
"""
from .translator import GlobusTranslator, register

register()

__all__ = ["GlobusTranslator", "register"]
