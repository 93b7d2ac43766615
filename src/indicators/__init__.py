"""Press-freedom indicators: a pandas pipeline from publisher files to comparable tables.

The package never imports streamlit; the app in ``app.py`` calls it and renders.
"""

from indicators.problems import Problem, ValidationFailed

__all__ = ["Problem", "ValidationFailed"]
__version__ = "0.1.0"
