"""The pieces of nofly's detection rules (docs/semantics.md) shared by the independent Python checks:
altitude limits in feet and RFC 3339 times in milliseconds. Written from the documentation, not
from nofly's code."""
import datetime
import math

FT_PER_M = 1 / 0.3048


def limit_ft(text, default):
    """An aviation limit (SFC, GND, UNL, FL95, 2500 ft MSL, 300 m AGL) in feet; `default` if absent."""
    if text is None:
        return default
    t = text.strip().upper()
    if t in ("SFC", "GND"):
        return -math.inf
    if t == "UNL":
        return math.inf
    if t.startswith("FL"):
        return int(t[2:]) * 100.0
    parts = t.replace("FT", " FT ").replace("M ", " M ").split()
    return float(parts[0]) * (FT_PER_M if parts[1] == "M" else 1.0)


def ms(text):
    """RFC 3339 time to Unix milliseconds."""
    return round(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
