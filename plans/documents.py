"""A plan's documents published for the public (the evaluations' 终期评估 and 中期评估): the app
that keeps them (reports) registers a `Provider` from its AppConfig.ready(); the public pages
(public) list them and serve their files. Neither imports the other. `changed` is sent, with the
plan ids, when what is published of a plan moves, so the public pages' cache is dropped."""

import datetime
from dataclasses import dataclass
from typing import Protocol

from django.dispatch import Signal

from plans.models import Plan

changed = Signal()  # plan_ids


@dataclass(frozen=True)
class Document:
    key: str  # stable in the address: "final-2025", "midterm-2023"
    title: str
    year: int
    published_at: datetime.datetime
    formats: tuple[str, ...]  # "pdf", "docx"


@dataclass(frozen=True)
class File:
    body: bytes
    content_type: str
    filename: str


class Provider(Protocol):
    def published(self, plan: Plan) -> list[Document]: ...

    def file(self, plan: Plan, key: str, fmt: str) -> File | None: ...


_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def published(plan: Plan) -> list[Document]:
    return [document for provider in _providers for document in provider.published(plan)]


def file(plan: Plan, key: str, fmt: str) -> File | None:
    for provider in _providers:
        found = provider.file(plan, key, fmt)
        if found is not None:
            return found
    return None
