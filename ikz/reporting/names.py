"""Chart file names and titles: light, so the mail dispatcher need not import matplotlib."""

from __future__ import annotations

# File name in the report folder -> (German, English) title, in the order shown.
CHARTS: dict[str, tuple[str, str]] = {
    "timeline.png": ("Verlauf der Kooperation", "Course of the cooperation"),
    "check-trend.png": ("Kooperations-Check je Faktor", "Cooperation check per factor"),
    "balance.png": ("Geben und Nehmen", "Give and take"),
    # Only when a cost baseline exists (ikz funding baseline).
    "savings.png": ("Kosten vorher und nachher", "Costs before and after"),
}
