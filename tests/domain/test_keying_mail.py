"""E-mail to keying experts: their own wording and placeholders, through the outbox."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from hiring.keying import experts, rounds
from hiring.mail import experts as expert_mail
from hiring.mail import templates
from hiring.mail.sending import MailSettings


def test_the_expert_message_has_its_own_placeholders_and_needs_the_link():
    assert templates.problems("keying", "Panel {round}", "Hi {name}: {link} ({items})") == {}
    found = templates.problems("keying", "Hi {assessment}", "Please rate.")
    assert "Unknown placeholder {assessment}" in found["subject"][0]
    assert "must contain {link}" in found["body"][0]
    # and a candidate's message still may not use the round
    assert "Unknown placeholder {round}" in templates.problems(
        "invitation", "Hi", "{round} {link}")["body"][0]


def test_an_expert_invitation_goes_to_the_outbox_in_their_language(db, bank, clock, tmp_path):
    settings = MailSettings(instance_path=tmp_path, sender="hiring@example.com",
                            organisation="Primjer d.o.o.")
    with db() as session:
        round_ = rounds.open_round(session.merge(bank), name="Voditelji timova", item_keys=None,
                                   session=session, actor="hr", now=clock())
        expert, token = experts.invite(round_, name="Iva Horvat", email="iva@example.com",
                                       language="hr", session=session, actor="hr", now=clock())
        record = expert_mail.send_invitation(expert, session=session, settings=settings,
                                             now=clock(), link=f"https://hiring.example/k/{token}")
        assert (record.state, record.kind, record.expert_id, record.attempt_id) == (
            "outbox", "keying", expert.id, None)
        assert record.subject == "Molimo Vašu stručnu procjenu: Voditelji timova"
        assert expert_mail.latest_messages([expert.id], session=session)[expert.id].id == (
            record.id)
    path = settings.outbox_dir / record.outbox_file
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    body = message.get_content()
    assert f"https://hiring.example/k/{token}" in body
    assert "Poštovani/poštovana Iva Horvat" in body and "Situacija ima 4." in body
    assert message["To"] == "Iva Horvat <iva@example.com>"
