"""What every flow gets: the inbound message, the chat's state, the linked user
and a list to add replies to."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from chatbot.conversation.services.sessions import Session
from chatbot.conversation.texts import t
from chatbot.conversation.types import Choice, Inbound, Reply
from core.models import User

TITLE_MAX = 24
DESCRIPTION_MAX = 72
MAX_CHOICES = 10


def choice(id: str, title: str, description: str = "") -> Choice:
    """A choice that fits every channel: long titles are cut and kept whole in the
    description (WhatsApp list rows show it) and in `long_title` (Telegram buttons)."""
    title = " ".join(title.split())
    long_title = ""
    if len(title) > TITLE_MAX:
        description = description or title
        long_title = title
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    if len(description) > DESCRIPTION_MAX:
        description = description[: DESCRIPTION_MAX - 1].rstrip() + "…"
    return Choice(id=id, title=title, description=description, long_title=long_title)


def faq_choice(ref) -> Choice:
    """A FAQ entry (answering.FaqRef) as a choice: tapping it shows its answer."""
    return choice(f"faq:{ref.id}", ref.question, ref.question)


@dataclass
class Ctx:
    inbound: Inbound
    session: Session
    user: User | None
    replies: list[Reply] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.session.language or "id"

    @property
    def text(self) -> str:
        # Chat platforms allow longer messages than the matcher reads (Telegram
        # 4,096 characters, WhatsApp 4,096): a long forwarded chain is read up to the
        # limit rather than refused.
        return (self.inbound.text or "").strip()[: settings.CHATBOT_MAX_MESSAGE_CHARS]

    @property
    def choice(self) -> str:
        return (self.inbound.choice or "").strip()

    def t(self, key: str, **params) -> str:
        return t(key, self.lang, **params)

    def say(
        self,
        text: str,
        choices=(),
        *,
        request_location: bool = False,
        list_button: str = "",
        numbered: int = 0,
    ) -> None:
        if not self.inbound.private:
            # A group has no menu to go back to: its help is what "menu" shows,
            # and a tap posts it for every member.
            choices = (c for c in choices if c.id != "menu")
        choices = tuple(choices)[:MAX_CHOICES]
        if len(choices) > 3 and not list_button:
            list_button = self.t("menu_button")
        self.replies.append(
            Reply(
                text=text,
                choices=choices,
                request_location=request_location,
                list_button=list_button,
                numbered=min(numbered, len(choices)),
            )
        )

    def menu_choice(self) -> Choice:
        return choice("menu", self.t("back_menu"))

    def goto(self, flow: str, step: str = "", data: dict | None = None) -> None:
        self.session.flow, self.session.step = flow, step
        self.session.data = data or {}

    def end(self) -> None:
        self.session.reset()


def left_for_question(ctx: Ctx, text: str) -> bool:
    """A place was asked for and none is called `text`: when it is a question ("apa
    gejala covid", "berapa lama isoman?"), the flow ends and the question is answered
    as any other. False (nothing said) when it is not one."""
    from chatbot.conversation import answers
    from chatbot.index import engine_get

    if not engine_get().normaliser.analyse(text).asks:
        return False
    ctx.end()
    answers.free_text(ctx)
    return True
