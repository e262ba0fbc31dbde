"""The outbox as HR's page lists it: messages newest first, searched by address or
subject, with the names of the candidates and experts they went to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from hiring import like, paging
from hiring.models import Attempt, EmailMessage, KeyingExpert

PER_PAGE = 50


@dataclass
class OutboxPage:
    page: paging.Page[EmailMessage]
    names: dict[int, str]  # attempt id -> candidate's name
    expert_names: dict[int, str]  # expert id -> name


def outbox_page(text: str, number: int, *, session: Session,
                per_page: int = PER_PAGE) -> OutboxPage:
    """One page of the messages whose address or subject contains the text (all: "")."""
    query = select(EmailMessage)
    if text:
        query = query.where(like.any_contains(text, EmailMessage.to_address,
                                              EmailMessage.subject))
    page = paging.paginate(
        query.order_by(col(EmailMessage.created_at).desc(), col(EmailMessage.id).desc()),
        session=session, number=number, per_page=per_page)
    messages = page.items
    names = dict(session.exec(select(Attempt.id, Attempt.candidate_name).where(
        col(Attempt.id).in_([m.attempt_id for m in messages if m.attempt_id]))).all())
    expert_names = dict(session.exec(select(KeyingExpert.id, KeyingExpert.name).where(
        col(KeyingExpert.id).in_([m.expert_id for m in messages if m.expert_id]))).all())
    return OutboxPage(page=page, names=names, expert_names=expert_names)
