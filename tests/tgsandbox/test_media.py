"""Photos, voice notes, videos, video notes, GIFs, locations and contacts: what users send, what bots send back."""

from __future__ import annotations

from telegram import Bot, Message, ReplyParameters, Update

from tgsandbox import Sandbox

from .conftest import RawApi

TOKEN = "123:abc"


async def test_each_user_side_media_arrives_with_telegrams_fields(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    await patient.send_photo(b"img", caption="my knee", album="album-1")
    await patient.send_voice(caption="listen")
    await patient.send_audio()
    await patient.send_video(caption="walking")
    await patient.send_video_note()
    await patient.send_animation()
    await patient.send_location(40.0, -3.5)
    await patient.send_contact("+34 600 000 000", "Ana")
    sent = [u["message"] for u in await api.ok("getUpdates")]

    photo, voice, audio, video, note, gif, location, contact = sent
    assert photo["caption"] == "my knee" and photo["media_group_id"] == "album-1" and photo["photo"][0]["file_id"]
    assert voice["caption"] == "listen" and voice["voice"]["mime_type"] == "audio/ogg" and "file_name" not in voice[
        "voice"]
    assert audio["audio"]["file_name"] == "recording.mp3" and "caption" not in audio
    assert video["caption"] == "walking" and video["video"]["mime_type"] == "video/mp4"
    assert note["video_note"]["length"] and "caption" not in note
    assert gif["animation"]["file_id"] == gif["document"]["file_id"]  # a GIF is also a document, as on Telegram
    assert location["location"] == {"latitude": 40.0, "longitude": -3.5}
    assert contact["contact"] == {"phone_number": "+34 600 000 000", "first_name": "Ana"}


async def test_python_telegram_bot_reads_every_kind(sandbox: Sandbox) -> None:
    patient = sandbox.user(7)
    await patient.send_voice()
    await patient.send_video_note()
    await patient.send_animation()
    await patient.send_location()
    async with Bot(TOKEN, base_url=sandbox.base_url) as bot:
        updates = await bot.get_updates()
    messages = [u.message for u in updates if isinstance(u, Update) and u.message is not None]
    voice, note, gif, location = messages
    assert voice.voice is not None and note.video_note is not None
    assert gif.animation is not None and gif.document is not None
    assert location.location is not None and location.location.latitude == 40.4168


async def test_a_user_edits_a_caption(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    photo = await patient.send_photo(caption="my knee")
    await patient.edit_caption(photo.message_id, "my knee is hot")
    updates = await api.ok("getUpdates")
    assert updates[1]["edited_message"]["caption"] == "my knee is hot" and updates[1]["edited_message"]["photo"]


async def test_bot_passes_files_on_by_file_id(sandbox: Sandbox) -> None:
    patient = sandbox.user(7)
    staff = sandbox.group(-100900, title="Staff")
    photo = await patient.send_photo(b"knee", caption="hot")
    voice = await patient.send_voice(b"OggS-words")
    video = await patient.send_video(b"mp4-walk")
    note = await patient.send_video_note(b"mp4-round")
    audio = await patient.send_audio(b"mp3")
    ids = {m.kind: m.file.file_id for m in (photo, voice, video, note, audio) if m.file is not None}
    async with Bot(TOKEN, base_url=sandbox.base_url) as bot:
        header = await bot.send_message(-100900, "Alert")
        reply = ReplyParameters(header.message_id, allow_sending_without_reply=True)
        sent: list[Message] = [
            await bot.send_photo(-100900, ids["photo"], caption="<b>Photo</b> from R-0001", parse_mode="HTML",
                                 reply_parameters=reply),
            await bot.send_voice(-100900, ids["voice"], caption="Voice note from R-0001"),
            await bot.send_video(-100900, ids["video"], caption="Video from R-0001"),
            await bot.send_video_note(-100900, ids["video_note"], reply_parameters=reply),
            await bot.send_audio(-100900, ids["audio"], caption="Audio from R-0001"),
        ]
    assert sent[0].photo[-1].file_id == ids["photo"] and sent[0].caption == "Photo from R-0001"
    assert sent[1].voice is not None and sent[1].voice.file_id == ids["voice"]
    assert sent[3].video_note is not None and sent[3].reply_to_message is not None
    posted = staff.messages()[1:]
    assert [m.kind for m in posted] == ["photo", "voice", "video", "video_note", "audio"]
    assert [m.file.data for m in posted if m.file] == [b"knee", b"OggS-words", b"mp4-walk", b"mp4-round", b"mp3"]
    assert posted[0].reply_to_message_id == header.message_id and posted[0].caption == "Photo from R-0001"
    assert posted[3].caption is None


async def test_a_file_id_is_sent_again_only_as_its_own_kind(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    photo = await patient.send_photo(b"knee")
    assert photo.file is not None
    assert await api.error("sendVoice", chat_id=7, voice=photo.file.file_id) == (
        400, "Bad Request: can't use file of type Photo as Voice")
    assert await api.error("sendVideoNote", chat_id=7) == (400, "Bad Request: there is no video_note in the request")
    assert await api.error("sendVoice", chat_id=7, voice="SBXFILE-unknown") == (
        400, "Bad Request: wrong file identifier/HTTP URL specified")
    note = await api.ok("sendVideoNote", chat_id=7, video_note="https://x.example/v.mp4", caption="ignored")
    assert "caption" not in note and note["video_note"]["file_id"]
