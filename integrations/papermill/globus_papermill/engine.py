"""The ``papermill.engine`` entry point, ``globus``.

Papermill 2.x reads entry points for engines (``papermill.engine``) and I/O handlers
(``papermill.io``) only, and loads every one of them when ``papermill`` is imported; there is no
group for parameter translators. Loading this module imports the package, which registers the
translator. The engine itself is papermill's default (nbclient), under the name ``globus``, so
``--engine globus`` runs a notebook exactly as a plain run does.
"""
from papermill.engines import NBClientEngine

from . import translator

# Importing papermill loads this entry point. When this package was imported first, it is still
# importing papermill and its translator is not defined yet: the package registers it itself
# once it is (``__init__.py``). Otherwise, this registers it.
if hasattr(translator, "register"):
    translator.register()


class GlobusEngine(NBClientEngine):
    """Papermill's nbclient engine, unchanged: this entry point exists to register the translator."""
