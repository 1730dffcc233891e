"""``aftercare outcomes`` as plain text: one block per clinic, one section per area, aligned columns.

English only, like the rest of the command line. Figures to one decimal;
``median (Q1-Q3) n=answers``; waits in minutes.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.clinic_config import Clinic
from bot.domain.periods import Period
from bot.outcomes.figures import AreaOutcomes, ClinicOutcomes, Rate
from bot.outcomes.queries import Spread


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}".removesuffix(".0")


def spread(value: Spread | None) -> str:
    if value is None:
        return "-"
    return f"{number(value.median)} ({number(value.q1)}-{number(value.q3)}) n={value.n}"


def rate(value: Rate) -> str:
    return "none sent" if value.percent is None else f"{value.answered}/{value.sent} ({value.percent:.0f}%)"


def minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f} min"


def period_text(value: Period) -> str:
    if value.since and value.until:
        return f"{value.since} to {value.until}"
    if value.since:
        return f"from {value.since}"
    return f"until {value.until}" if value.until else "all time"


def table(rows: Sequence[Sequence[str]], indent: str = "    ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def outcome_lines(found: ClinicOutcomes, clinic: Clinic) -> str:
    lines = [f"{clinic.name} ({clinic.id}), {period_text(found.period)}; dates on {clinic.timezone}"]
    shown = [area for area in found.areas if area.has_data]
    if found.answers == 0:
        lines.append("  no check-ins answered yet in this period: widen the dates or drop --area; "
                     "patients join with `aftercare invite`")
    for area in shown:
        lines += _area_lines(area, clinic)
    return "\n".join(lines)


def _area_lines(area: AreaOutcomes, clinic: Clinic) -> list[str]:
    name = clinic.area_name(area.area, "en") if area.area in clinic.protocols else area.area
    lines = [f"{name} ({area.area})",
             f"  injections {area.injections}; check-ins answered {rate(area.checkins)}; "
             f"follow-ups answered {rate(area.followup_rate)}"]
    if area.sessions:
        lines.append("  soreness after injection, median (Q1-Q3) n=answers:")
        header = ["session", *(f"{o.offset} (day {o.day if o.day is not None else '?'})" for o in area.offsets)]
        body = [[str(row.number), *(spread(row.by_offset.get(o.offset)) for o in area.offsets)]
                for row in area.sessions]
        lines += table([header, *body])
    if area.followups:
        lines.append("  follow-ups: pain median (Q1-Q3) n=answers; function")
        lines += table([[row.offset, spread(row.pain), f"better {row.function['better']}, same "
                         f"{row.function['same']}, worse {row.function['worse']}"] for row in area.followups])
    lines.append("  alerts: level, alerts, per 100 injections, acknowledged, time to acknowledge median / p90")
    lines += table([[row.level, str(row.count.alerts), number(row.count.per_100), str(row.count.acknowledged),
                     f"{minutes(row.waited.median if row.waited else None)} / "
                     f"{minutes(row.waited.p90 if row.waited else None)}"] for row in area.alerts])
    return lines
