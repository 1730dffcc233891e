"""Invites in a real database: hashed storage, lookup failures, expiry and single use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.core.db import Database
from bot.core.models import AuditEvent, Invite, Patient
from bot.enrolment.invites import (
    InviteError,
    InviteProblem,
    claim,
    create_invite,
    hash_token,
    lookup,
    new_token,
    redeem,
)
from tests.support.clinic import registry

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
CLINIC = registry()["riverside"]


async def test_create_lookup_claim_and_expire(db: Database) -> None:
    async with db.session() as session:
        issued = await create_invite(session, CLINIC, "knee", bot_username="riverside_bot", now=NOW,
                                     sessions=4)
    assert issued.link == f"https://t.me/riverside_bot?start={issued.token}"
    # P14D is counted on the clinic's calendar: 10:00 local, across the March DST change.
    assert issued.expires_at.astimezone(CLINIC.tz).replace(tzinfo=None) == datetime(2026, 3, 16, 10, 0)
    async with db.session() as session:
        stored = (await session.exec(select(Invite))).one()
        assert stored.token_hash == hash_token(issued.token)
        assert issued.token not in stored.model_dump_json()
        audit = (await session.exec(select(AuditEvent))).one()
        assert audit.event == "invite_created" and issued.token not in str(audit.details)
        found = await lookup(session, issued.token, NOW + timedelta(days=13))
        assert (found.clinic_id, found.area, found.sessions) == ("riverside", "knee", 4)
        with pytest.raises(InviteError) as expired:
            await lookup(session, issued.token, issued.expires_at)
        assert expired.value.problem == InviteProblem.EXPIRED
        for token, problem in (("nope", InviteProblem.MALFORMED), (new_token(), InviteProblem.UNKNOWN)):
            with pytest.raises(InviteError) as failed:
                await lookup(session, token, NOW)
            assert failed.value.problem == problem


async def test_an_invite_is_single_use(db: Database) -> None:
    async with db.session() as session:
        issued = await create_invite(session, CLINIC, None, bot_username="riverside_bot", now=NOW)
        first = Patient(clinic_id="riverside", label="R-0001")
        second = Patient(clinic_id="riverside", label="R-0002")
        session.add_all([first, second])
        await session.flush()
        used = await redeem(session, issued.token, first.id or 0, NOW)
        assert used.used_at == NOW and used.patient_id == first.id
        with pytest.raises(InviteError) as again:
            await claim(session, used.id or 0, second.id or 0, NOW)
        assert again.value.problem == InviteProblem.USED
        with pytest.raises(InviteError) as looked_up:
            await lookup(session, issued.token, NOW)
        assert looked_up.value.problem == InviteProblem.USED
