"""The clinic's own triage wordings as rules, for the places that triage patient text."""

from __future__ import annotations

from bot.core.clinic_config import Clinic, ClinicRegistry
from bot.domain.triage import Level, Report, triage
from bot.domain.triage_lexicon import Rule
from bot.domain.triage_wordings import all_wordings, compile_wordings


def clinic_wordings(clinic: Clinic | None) -> tuple[Rule, ...]:
    """The rules for ``clinic``'s wordings (none without a clinic)."""
    return compile_wordings(clinic.triage.wording_rows()) if clinic is not None else ()


def every_clinic_wordings(clinics: ClinicRegistry) -> tuple[Rule, ...]:
    """All clinics' wordings: for text typed before the bot knows whose patient it is."""
    return compile_wordings(all_wordings(c.triage.wording_rows() for c in clinics))


def urgent_by_any_clinic(clinics: ClinicRegistry, text: str, language: str) -> bool:
    """Red-flag wording by every clinic's rules: for words from someone the bot cannot place yet."""
    result = triage(Report(text=text, language=language), wordings=every_clinic_wordings(clinics))
    return result.level.at_least(Level.URGENT)
