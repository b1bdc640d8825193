"""Translation-quality checker: finds tokens that do not belong in translated text and suggests
corrections. ``from checker import Checker``."""
from .core import Checker
from .report import Anomaly, Report, Suggestion
from .version import __version__

__all__ = ["Checker", "Report", "Anomaly", "Suggestion", "__version__"]
