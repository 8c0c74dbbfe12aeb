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


DAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
DAY_MS = 86_400_000


def time_of_day(text):
    """`17:00:00+02:00` → (milliseconds after local midnight, UTC offset in milliseconds)."""
    t = text.strip()
    cut = next((i for i, c in enumerate(t) if c in "Zz+-"), len(t))
    clock, zone = t[:cut], t[cut:]
    offset = 0
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * 3600 + int(digits[2:4]) * 60) * 1000
    parts = clock.split(":")
    seconds = float(parts[2]) if len(parts) > 2 else 0.0
    return round(((int(parts[0]) * 60 + int(parts[1])) * 60 + seconds) * 1000), offset


def in_window(window, t):
    """Whether Unix milliseconds `t` fall in a weekly window {"days", "start", "end"}."""
    start, offset = time_of_day(window["start"])
    end, _ = time_of_day(window["end"])
    days = set(range(7)) if "ANY" in window["days"] else {DAYS.index(d) for d in window["days"]}
    local = t + offset
    day, at = local // DAY_MS, local % DAY_MS
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
    if start < end:
        return weekday in days and start <= at < end
    return (weekday in days and at >= start) or ((weekday + 6) % 7 in days and at < end)


def active_at(active, t):
    """Whether a zone's `active` list (absent: always) includes Unix milliseconds `t`."""
    if not active:
        return True
    for a in active:
        lo = ms(a["from"]) if a.get("from") else -math.inf
        hi = ms(a["to"]) if a.get("to") else math.inf
        if lo <= t < hi and (not a.get("schedule") or any(in_window(w, t) for w in a["schedule"])):
            return True
    return False
